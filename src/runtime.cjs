// src/runtime.ts for kreview's CommonJS bundles (see there): the bundle's own
// require and module, so nothing is loaded until it is used.
'use strict';

exports.nodeRequire = () => require;

// the main module is a CommonJS module of the same loader: its constructor is Module
exports.moduleClass = () => (require.main ? require.main.constructor : require('node:module'));

exports.homeDir = () => process.env.HOME || require('node:os').homedir();
