// Keys -> actions. Kept apart from the components so the bindings are one
// table a user can read, and testable without a terminal.

import type { Action, ReviewState } from './state.js';

export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  shift?: boolean;
  ctrl?: boolean;
  backspace?: boolean;
  delete?: boolean;
}

export const HELP: [string, string][] = [
  ['j / k, ↓ / ↑', 'move in the focused pane'],
  ['PgDn / PgUp, ^d / ^u', 'page'],
  ['[ / ]', 'previous / next hunk'],
  ['tab / shift-tab', 'next / previous pane'],
  ['n / N', 'next / previous finding in the series'],
  ['enter', 'open (series -> diff -> detail)'],
  ['t', 'show all findings (pre-existing, fixed later) / only those that count'],
  ['a', 'accept the finding'],
  ['f', 'mark it a false positive (optional reason)'],
  ['c', 'comment on the current line (goes into the reply)'],
  ['w', 'write the reply draft'],
  ['?', 'this help'],
  ['q', 'quit'],
];

export function keyToAction(input: string, key: KeyInfo, s: ReviewState): Action | undefined {
  if (s.prompt) {
    if (key.return) return { type: 'promptSubmit' };
    if (key.escape) return { type: 'promptCancel' };
    if (key.backspace || key.delete) return { type: 'promptBackspace' };
    if (input && !key.ctrl) return { type: 'promptInput', text: input.replace(/[\r\n]/g, ' ') };
    return undefined;
  }
  if (s.help) return input === '?' || input === 'q' || key.escape ? { type: 'toggleHelp' } : undefined;
  if (key.tab) return { type: 'focusNext', back: !!key.shift };
  if (key.downArrow || input === 'j') return { type: 'move', delta: 1 };
  if (key.upArrow || input === 'k') return { type: 'move', delta: -1 };
  if (key.pageDown || (key.ctrl && input === 'd') || input === ' ') return { type: 'page', delta: 1 };
  if (key.pageUp || (key.ctrl && input === 'u')) return { type: 'page', delta: -1 };
  if (key.return) return { type: 'open' };
  switch (input) {
    case ']':
      return { type: 'hunk', delta: 1 };
    case '[':
      return { type: 'hunk', delta: -1 };
    case 'n':
      return { type: 'nextFinding', delta: 1 };
    case 'N':
      return { type: 'nextFinding', delta: -1 };
    case '?':
      return { type: 'toggleHelp' };
    case 't':
      return { type: 'toggleAll' };
    case 'a':
      return { type: 'accept' };
    case 'f':
      return { type: 'startPrompt', kind: 'false-positive' };
    case 'c':
      return { type: 'startPrompt', kind: 'comment' };
    case 'w':
      return { type: 'reply' };
    case 'q':
      return { type: 'quit' };
  }
  return undefined;
}
