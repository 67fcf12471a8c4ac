/**
 * `import splat` keeps what the re-run needs to print the `stack backtrace:` part as the original:
 * the architecture (from the call trace's shape, else from the stacks' entry symbols) as `arch:`,
 * and what dump_stack() printed after the build tag (preempt model, build ID) in `kernel:`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { importSplat } from '../../src/importers/splat/index.js';
import { parseScenario } from '../../src/scenario/parse.js';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus/splats');

function imported(id: string): { arch?: string; kernel: string } {
  const file = `${id}.txt`;
  const imp = importSplat(readFileSync(path.join(CORPUS, file), 'utf8'), file);
  const s = parseScenario(imp.yaml, `${file}.yaml`);
  return { ...(s.arch ? { arch: s.arch } : {}), kernel: s.kernel };
}

describe('import splat: architecture', () => {
  it.each([
    ['047-inconsistent-arm64-bad-mode-boot', 'arm64'],
    ['062-irq-inversion-usb-ether-xmit-irq-inversion-517-arm64', 'arm64'],
    ['070-bad-unlock-arm64-restore-fpsimd-context', 'arm64'],
    ['086-other-nested-lock-not-taken-evict', 'arm64'],
    ['007-circular-coresight-dma-debug-7-chain-66-arm64', 'arm64'],
    ['052-inconsistent-io-uring-file-data-ref-zero-arm', 'arm'],
    ['016-circular-ksm-memory-chain-s390-33', 's390'],
    ['017-circular-mlock-flush-work-s390-2627-quoted', 's390'],
    ['080-held-lock-freed-sk-lock-ppc64-514-quoted', 'ppc64'],
  ])('%s → arch: %s', (id, arch) => {
    expect(imported(id).arch).toBe(arch);
  });

  it.each([
    '001-circular-pmem-hotremove-mem-sysfs-seed',
    '046-recursive-zone-lock-compaction-35-trinity',
    '073-bad-unlock-ipmr-mfc-seq-stop-4.9',
    '043-recursive-rapl-cpu-hotplug-619-intel-ci',
  ])('%s: x86-64, no arch: key (the default)', (id) => {
    expect(imported(id).arch).toBeUndefined();
  });

  it('says in the YAML what gave the architecture away', () => {
    const text = readFileSync(path.join(CORPUS, '052-inconsistent-io-uring-file-data-ref-zero-arm.txt'), 'utf8');
    const yaml = importSplat(text, '052.txt').yaml;
    expect(yaml).toMatch(/# the call trace has a `Backtrace:` line\narch: arm\n/);
    expect((parseYaml(yaml) as { arch: string }).arch).toBe('arm');
  });
});

describe('import splat: what dump_stack() prints after the build tag', () => {
  it.each([
    ['008-circular-ext4-fakeName-6x', '6.15.0-rc7-dirty #2 PREEMPT(full)'],
    ['043-recursive-rapl-cpu-hotplug-619-intel-ci', '6.19.0-rc1-lgci-xe-xe-4242-05b7c58b3367dca84+ #1 PREEMPT(voluntary)'],
    ['029-circular-vfio-liveupdate-group-mutex-71', '7.1.0-dbg-DEV #59 PREEMPTLAZY'],
    ['055-inconsistent-sched-core-balance', '5.10.136-syzkaller-19376-g6f46a5fe0124 #0 8f0771607702f5ef7184d2ee33bd0acd70219fc4'],
    ['041-recursive-pci-bus-sem-intel-ci', '6.3.0-rc1-CI_DRM_12814-g4753bbc2a817+ #1'],
  ])('%s → kernel: "%s"', (id, kernel) => {
    expect(imported(id).kernel).toBe(kernel);
  });
});
