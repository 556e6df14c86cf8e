// The environment variables that change what kreview does: one list, printed by
// 'kreview --help' and 'kreview check --help', and kept in the README.

/** The variables that change what kreview does, for every --help and the README. */
export const ENVIRONMENT = `Environment:
  NO_COLOR, FORCE_COLOR  colour when --color is auto: a non-empty NO_COLOR turns it
                         off; FORCE_COLOR turns it on (0 or false: off), pipes too
  KREVIEW_MODEL          a model written by 'kreview model build' (as --model DIR)
  KREVIEW_CACHE_DIR      the cache (default $XDG_CACHE_HOME/kreview or ~/.cache/kreview)
  KREVIEW_STATE_DIR      triage marks, reply drafts and the hook's series (default
                         $XDG_STATE_HOME/kreview or ~/.local/state/kreview)
  KREVIEW_NO_COMPILE_CACHE=1, NODE_DISABLE_COMPILE_CACHE=1
                         do not cache compiled code
  KREVIEW_PAGER, PAGER   the pager of 'kreview explain' on a terminal (default
                         less -FRX; LESS=FRX and LV=-c when unset; empty or cat: none)
  HOME                   where .kreview.conf, the cache and the state are found
  GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL
                         the reply drafts' From when git has no user.name/email
  GIT_SENDEMAIL_FILE_COUNTER, GIT_SENDEMAIL_FILE_TOTAL
                         set by git send-email >= 2.45: the hook checks the series
  CI, CONTINUOUS_INTEGRATION
                         ignored by 'kreview review', which always draws on a terminal
`;
