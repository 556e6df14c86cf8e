// The node that end-to-end tests run the built CLI with: this one, or the one
// KREVIEW_E2E_NODE names (.ci/run runs the suites again with Node 22 and 24).
export const NODE = process.env.KREVIEW_E2E_NODE || process.execPath;
