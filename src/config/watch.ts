import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';

// Reload on file change. Editors save by writing a new file and renaming it over the old one, which a
// watch on the file itself stops seeing: watch the folder and filter by name. Saves come in bursts of
// events, so changes are debounced.

export interface FileWatcher {
  readonly files: readonly string[];
  close(): void;
}

const DEBOUNCE_MS = 300;

export function watchFiles(files: readonly string[], onChange: () => void, log: Logger): FileWatcher {
  const byDir = new Map<string, Set<string>>();
  for (const f of files) {
    const set = byDir.get(dirname(f)) ?? new Set<string>();
    set.add(basename(f));
    byDir.set(dirname(f), set);
  }
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, DEBOUNCE_MS);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const [dir, names] of byDir) {
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => {
        if (name && names.has(name.toString())) fire();
      });
      w.on('error', (err) => log.warn({ err, dir }, 'cannot watch for config changes (SIGHUP still reloads)'));
      watchers.push(w);
    } catch (err) {
      log.warn({ err, dir }, 'cannot watch for config changes (SIGHUP still reloads)');
    }
  }
  return {
    files: [...files],
    close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
