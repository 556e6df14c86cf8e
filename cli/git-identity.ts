// Who is writing a reply: git's user.name/user.email, as git send-email would use them.
import { execFileSync } from 'node:child_process';

export function gitIdentity(): { name: string; email: string } {
  const get = (k: string): string => {
    try {
      return execFileSync('git', ['config', '--get', k], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  return {
    name: get('user.name') || process.env.GIT_AUTHOR_NAME || 'A Reviewer',
    email: get('user.email') || process.env.GIT_AUTHOR_EMAIL || 'reviewer@localhost',
  };
}
