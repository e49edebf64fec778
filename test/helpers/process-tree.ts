import { readdirSync, readFileSync } from "node:fs";

/** A running process, as Linux's /proc shows it. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  commandLine: string;
}

/** Every process now below `root` (children, their children...): what a killed CLI leaves running. */
export function descendantsOf(root: number): ProcessInfo[] {
  const all = listProcesses();
  const found: ProcessInfo[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const info of all) {
      if (parents.has(info.ppid) && !parents.has(info.pid)) {
        parents.add(info.pid);
        found.push(info);
        grew = true;
      }
    }
  }
  return found;
}

/** Sends a signal to each process that still runs. */
export function killAll(processes: readonly ProcessInfo[], signal: NodeJS.Signals = "SIGKILL"): void {
  for (const { pid } of processes) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

function listProcesses(): ProcessInfo[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        // The command name in field 2 may hold spaces and parentheses: the fields after the last ")" are fixed.
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        const commandLine = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim();
        return [{ pid: Number(entry), ppid, commandLine }];
      } catch {
        return [];
      }
    });
}
