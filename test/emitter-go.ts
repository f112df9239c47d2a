import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The minor version of the local `go` (19 for Debian's Go 1.19), or undefined when there is none. */
export function goMinorVersion(): number | undefined {
  const result = spawnSync('go', ['version'], { encoding: 'utf8' });
  const match = /go1\.(\d+)/.exec(result.stdout ?? '');
  return result.status === 0 && match?.[1] !== undefined ? Number(match[1]) : undefined;
}

export const GO_SKIP_REASON = 'no `go` on PATH (apt-get install -y golang-go); .ci/run installs it';

/**
 * Runs a one-file Go program with only the standard library: no network, no module download, a throw-away cache.
 */
export function runGo(program: string, input: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'openim-hooks-go-'));
  try {
    writeFileSync(join(dir, 'main.go'), program);
    return execFileSync('go', ['run', join(dir, 'main.go')], {
      input,
      cwd: dir,
      env: {
        ...process.env,
        GOCACHE: join(dir, 'cache'),
        GOPATH: join(dir, 'gopath'),
        GOFLAGS: '-mod=mod',
        GOTOOLCHAIN: 'local',
        GO111MODULE: 'off',
        GOPROXY: 'off',
      },
      timeout: 300_000,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
