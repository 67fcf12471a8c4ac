/**
 * Every bad input is a LockdepSimError with a code, a precise 1-based span and a hint. Tables in the
 * typescript-eslint style: input, expected code, line, column, and what the message and hint say.
 */
import { describe, expect, it } from 'vitest';
import { formatIssue, LockdepSimError, type Issue } from '../../src/diag/error.js';
import { closest } from '../../src/scenario/closest.js';
import { parseScenario } from '../../src/scenario/parse.js';

function issueOf(text: string): Issue {
  let caught: unknown;
  try {
    parseScenario(text, 'bad.yaml');
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(LockdepSimError);
  const issues = (caught as LockdepSimError).issues;
  expect(issues).toHaveLength(1);
  return issues[0];
}

const HEAD = `kernel: "6.1.0"
classes:
  dev_lock: { name: "&foo->dev_lock" }
  list_lock: mutex
`;

interface Case {
  name: string;
  text: string;
  code: Issue['code'];
  line: number;
  col: number;
  message: RegExp;
  hint: RegExp;
}

const cases: Case[] = [
  {
    name: 'YAML syntax: unterminated flow sequence',
    text: 'kernel: "6.1.0"\ntasks: [\n  { name: t\n',
    code: 'yaml-syntax',
    line: 4, // the YAML parser notices at the end of the input
    col: 1,
    message: /^YAML syntax error: /,
    hint: /indentation|closing/,
  },
  {
    name: 'YAML syntax: duplicate key',
    text: 'kernel: "6.1.0"\nkernel: "6.2.0"\ntasks: []\n',
    code: 'yaml-syntax',
    line: 2,
    col: 1,
    message: /unique/,
    hint: /each key may appear once/,
  },
  {
    name: 'empty document',
    text: '# nothing\n',
    code: 'schema',
    line: 1,
    col: 1,
    message: /empty/,
    hint: /kernel.*tasks/,
  },
  {
    name: 'missing kernel',
    text: '\ntasks: []\n',
    code: 'schema',
    line: 2,
    col: 1,
    message: /missing `kernel`/,
    hint: /5\.1\.0-rc7\+ #13/,
  },
  {
    name: 'kernel that is not a version',
    text: 'kernel: linux\ntasks: []\n',
    code: 'schema',
    line: 1,
    col: 9,
    message: /"linux" is not a kernel version/,
    hint: /6\.1\.192/,
  },
  {
    name: 'unknown top-level key, with the closest one',
    text: 'kernel: "6.1.0"\nclases: {}\ntasks: []\n',
    code: 'schema',
    line: 2,
    col: 1,
    message: /unknown key `clases` in the scenario/,
    hint: /did you mean `classes`\?/,
  },
  {
    name: 'unknown architecture, with the closest one',
    text: 'kernel: "6.1.0"\narch: aarch64\ntasks: []\n',
    code: 'schema',
    line: 2,
    col: 7,
    message: /unknown `arch` "aarch64"/,
    hint: /did you mean `arm64`\?.*x86_64 when absent/,
  },
  {
    name: 'wrong type: pid is not a number',
    text: `${HEAD}tasks:\n  - name: t\n    pid: twelve\n    steps: []\n`,
    code: 'schema',
    line: 7,
    col: 10,
    message: /`pid` of task #0 must be a non-negative integer.*got the string "twelve"/,
    hint: /write a number, e.g. `12` or `0x1c0`/,
  },
  {
    name: 'wrong type: tasks is a mapping',
    text: `${HEAD}tasks:\n  t: {}\n`,
    code: 'schema',
    line: 6,
    col: 3,
    message: /`tasks` must be a list, got a mapping/,
    hint: /a list of tasks/,
  },
  {
    name: 'unknown lock kind',
    text: 'kernel: "6.1.0"\nclasses:\n  A: spinlok\ntasks: []\n',
    code: 'schema',
    line: 3,
    col: 6,
    message: /unknown lock kind `spinlok`/,
    hint: /did you mean `spinlock`\?/,
  },
  {
    name: 'malformed frame in a task stack',
    text: `${HEAD}tasks:\n  - name: t\n    stack: [ok+0x1/0x2, "bad frame+0x1"]\n    steps: []\n`,
    code: 'schema',
    line: 7,
    col: 25,
    message: /malformed frame "bad frame\+0x1"/,
    hint: /symbol\+0x1a\/0x80/,
  },
  {
    name: 'unknown step key, with the closest one',
    text: `${HEAD}tasks:\n  - name: t\n    stack: [k+0x0/0x8]\n    steps:\n      - lock: dev_lock\n        subclas: 1\n`,
    code: 'schema',
    line: 10,
    col: 9,
    message: /unknown key `subclas` in step/,
    hint: /did you mean `subclass`\?/,
  },
  {
    name: 'modifier that does not apply to the operation',
    text: `${HEAD}tasks:\n  - name: t\n    stack: [k+0x0/0x8]\n    steps:\n      - unlock: dev_lock\n        subclass: 1\n`,
    code: 'schema',
    line: 10,
    col: 9,
    message: /`subclass` does not apply to a `unlock` step/,
    hint: /`unlock` takes `at`, `via`, `ip`/,
  },
  {
    name: 'two operations in one step',
    text: `${HEAD}tasks:\n  - name: t\n    stack: [k+0x0/0x8]\n    steps:\n      - lock: dev_lock\n        unlock: dev_lock\n`,
    code: 'schema',
    line: 10,
    col: 9,
    message: /step has 2 operations/,
    hint: /separate list items/,
  },
  {
    name: 'step without operation',
    text: `${HEAD}tasks:\n  - name: t\n    stack: [k+0x0/0x8]\n    steps:\n      - at: 0x10\n`,
    code: 'schema',
    line: 9,
    col: 9,
    message: /step has no operation/,
    hint: /`lock`/,
  },
  {
    name: 'irq state that is neither on nor off',
    text: `${HEAD}tasks:\n  - name: t\n    stack: [k+0x0/0x8]\n    steps:\n      - irq: maybe\n`,
    code: 'schema',
    line: 9,
    col: 14,
    message: /`irq` must be `on` or `off`/,
    hint: /local_irq_disable/,
  },
  {
    name: 'unknown lock, with the closest declared one',
    text: `${HEAD}tasks:\n  - name: t\n    stack: [k+0x0/0x8]\n    steps:\n      - lock: dev_lok\n`,
    code: 'unknown-lock',
    line: 9,
    col: 15,
    message: /unknown lock `dev_lok`/,
    hint: /did you mean `dev_lock`\? declared classes: `dev_lock`, `list_lock`/,
  },
  {
    name: 'unknown lock: the printed name instead of the id',
    text: `${HEAD}tasks:\n  - name: t\n    stack: [k+0x0/0x8]\n    steps:\n      - lock: "&foo->dev_lock"\n`,
    code: 'unknown-lock',
    line: 9,
    col: 15,
    message: /unknown lock `&foo->dev_lock`/,
    hint: /printed name of class `dev_lock`.*write `dev_lock`/,
  },
  {
    name: 'unknown lock inside a function nobody calls',
    text: `${HEAD}functions:\n  f:\n    size: 0x40\n    steps:\n      - lock: nope\n        at: 0x4\ntasks: []\n`,
    code: 'unknown-lock',
    line: 9,
    col: 15,
    message: /unknown lock `nope`/,
    hint: /declared classes/,
  },
  {
    name: 'unknown lock passed as an argument: the span is the argument',
    text: `${HEAD}functions:\n  f:\n    size: 0x40\n    params: [l]\n    steps: [{ lock: $l }]\ntasks:\n  - name: t\n    stack: [k+0x0/0x8]\n    steps:\n      - call: f\n        args: { l: lst_lock }\n`,
    code: 'unknown-lock',
    line: 15,
    col: 20,
    message: /unknown lock `lst_lock`/,
    hint: /did you mean `list_lock`\?/,
  },
  {
    name: 'malformed lock reference',
    text: `${HEAD}tasks:\n  - name: t\n    stack: [k+0x0/0x8]\n    steps:\n      - lock: dev_lock@x\n`,
    code: 'schema',
    line: 9,
    col: 15,
    message: /malformed lock reference "dev_lock@x"/,
    hint: /instance \(`A@1`\)/,
  },
  {
    name: 'read on a mutex',
    text: `${HEAD}tasks:\n  - name: t\n    stack: [k+0x0/0x8]\n    steps:\n      - read: list_lock\n`,
    code: 'schema',
    line: 9,
    col: 15,
    message: /`read` of `list_lock`: a mutex has no read side/,
    hint: /use `lock: list_lock`/,
  },
  {
    name: 'unknown function, with the closest one',
    text: `${HEAD}functions:\n  foo_ioctl: { size: 0x40, steps: [] }\ntasks:\n  - name: t\n    steps:\n      - call: foo_ioctll\n`,
    code: 'unknown-function',
    line: 10,
    col: 15,
    message: /unknown function `foo_ioctll`/,
    hint: /did you mean `foo_ioctl`\?/,
  },
  {
    name: 'a lock class used as a function',
    text: `${HEAD}functions:\n  f: { size: 0x40, steps: [] }\ntasks:\n  - name: t\n    steps:\n      - call: dev_lock\n`,
    code: 'unknown-function',
    line: 10,
    col: 15,
    message: /unknown function `dev_lock`/,
    hint: /`dev_lock` is a lock class, not a function/,
  },
  {
    name: 'literal recursion between functions',
    text: `${HEAD}functions:\n  f:\n    size: 0x40\n    steps:\n      - call: g\n  g:\n    size: 0x40\n    steps:\n      - lock: dev_lock\n      - call: f\n        at: 0x8\ntasks: []\n`,
    code: 'schema',
    line: 14,
    col: 9,
    message: /recursive call: `f` → `g` → `f`/,
    hint: /never end/,
  },
  {
    name: 'runaway recursion through a function argument',
    text: `${HEAD}functions:\n  f:\n    size: 0x40\n    params: [next]\n    steps:\n      - call: $next\n        args: { next: $next }\ntasks:\n  - name: t\n    steps:\n      - call: f\n        args: { next: f }\n`,
    code: 'schema',
    line: 10,
    col: 9,
    message: /calls nest deeper than 64 functions/,
    hint: /never ends/,
  },
  {
    name: '`at:` outside a function',
    text: `${HEAD}tasks:\n  - name: t\n    stack: [k+0x0/0x8]\n    steps:\n      - lock: dev_lock\n        at: 0x10\n`,
    code: 'schema',
    line: 10,
    col: 13,
    message: /not inside a function/,
    hint: /drop `at:`/,
  },
  {
    name: '`at:` past the end of the function',
    text: `${HEAD}functions:\n  f:\n    size: 0x40\n    steps:\n      - lock: dev_lock\n        at: 0x40\ntasks: []\n`,
    code: 'schema',
    line: 10,
    col: 13,
    message: /offset 0x40 is past the end of `f` \(size 0x40\)/,
    hint: /below its `size`/,
  },
  {
    name: 'function without size',
    text: `${HEAD}functions:\n  f:\n    steps: []\ntasks: []\n`,
    code: 'schema',
    line: 7,
    col: 5,
    message: /function `f` is missing `size`/,
    hint: /vfs_write\+0xba\/0x1c0/,
  },
  {
    name: 'unknown parameter, with the closest one',
    text: `${HEAD}functions:\n  f:\n    size: 0x40\n    params: [dev]\n    steps:\n      - lock: $dve\n`,
    code: 'schema',
    line: 10,
    col: 15,
    message: /`f` has no parameter `dve`/,
    hint: /did you mean `\$dev`\?/,
  },
  {
    name: 'parameter used in a task',
    text: `${HEAD}tasks:\n  - name: t\n    stack: [k+0x0/0x8]\n    steps:\n      - lock: $dev\n`,
    code: 'schema',
    line: 9,
    col: 15,
    message: /parameter `\$dev` used outside a function/,
    hint: /task steps have no parameters/,
  },
  {
    name: 'missing argument',
    text: `${HEAD}functions:\n  f:\n    size: 0x40\n    params: [dev]\n    steps: [{ lock: $dev }]\ntasks:\n  - name: t\n    steps:\n      - call: f\n`,
    code: 'schema',
    line: 13,
    col: 9,
    message: /call of `f` is missing argument `dev`/,
    hint: /params: \[dev\?\]/,
  },
  {
    name: 'argument for an undeclared parameter',
    text: `${HEAD}functions:\n  f:\n    size: 0x40\n    params: [dev]\n    steps: [{ lock: $dev }]\ntasks:\n  - name: t\n    steps:\n      - call: f\n        args: { dev: dev_lock, devv: list_lock }\n`,
    code: 'schema',
    line: 14,
    col: 32,
    message: /`f` has no parameter `devv`/,
    hint: /did you mean `dev`\?/,
  },
  {
    name: 'a function argument used as a lock',
    text: `${HEAD}functions:\n  g: { size: 0x10, steps: [] }\n  f:\n    size: 0x40\n    params: [cb]\n    steps: [{ lock: $cb }]\ntasks:\n  - name: t\n    steps:\n      - call: f\n        args: { cb: { call: g } }\n`,
    code: 'schema',
    line: 10,
    col: 21,
    message: /`\$cb` is bound to a function \(`g`\), not a lock/,
    hint: /argument was written at 15:/,
  },
  {
    name: '`ip: caller` without a caller frame',
    text: `${HEAD}functions:\n  f:\n    size: 0x40\n    steps:\n      - lock: dev_lock\n        ip: caller\ntasks:\n  - name: t\n    steps: [{ call: f }]\n`,
    code: 'schema',
    line: 10,
    col: 13,
    message: /`ip: caller` needs a frame/,
    hint: /stack:/,
  },
  {
    name: 'no frame at all for the ip',
    text: `${HEAD}tasks:\n  - name: t\n    steps:\n      - lock: dev_lock\n`,
    code: 'schema',
    line: 8,
    col: 9,
    message: /cannot tell the `at:` ip of this step/,
    hint: /give the task a `stack:`/,
  },
  {
    name: 'set_subclass without subclass',
    text: `${HEAD}tasks:\n  - name: t\n    stack: [k+0x0/0x8]\n    steps:\n      - set_subclass: dev_lock\n`,
    code: 'schema',
    line: 9,
    col: 9,
    message: /`set_subclass` needs `subclass: N`/,
    hint: /subclass: 1/,
  },
  {
    name: 'kernel_frames key that the reporter does not know',
    text: 'kernel: "6.1.0"\nkernel_frames:\n  circualr: [dump_stack+0x1/0x2]\ntasks: []\n',
    code: 'schema',
    line: 3,
    col: 3,
    message: /unknown key `circualr` in `kernel_frames`/,
    hint: /did you mean `circular`\?/,
  },
  {
    name: 'schedule naming an unknown task',
    text: `${HEAD}tasks:\n  - { name: alpha, steps: [] }\nschedule:\n  - { task: alpah, steps: 1 }\n`,
    code: 'schema',
    line: 8,
    col: 13,
    message: /no task named `alpah`/,
    hint: /did you mean `alpha`\?/,
  },
  {
    name: 'schedule naming a comm shared by two tasks',
    text: `${HEAD}tasks:\n  - { name: sh, steps: [] }\n  - { name: sh, steps: [] }\nschedule:\n  - { task: sh, steps: 1 }\n`,
    code: 'schema',
    line: 9,
    col: 13,
    message: /task name `sh` is ambiguous \(tasks 0, 1\)/,
    hint: /0-based index/,
  },
  {
    name: 'schedule index out of range',
    text: `${HEAD}tasks:\n  - { name: a, steps: [] }\nschedule:\n  - { task: 3, steps: 1 }\n`,
    code: 'schema',
    line: 8,
    col: 13,
    message: /task index 3 is out of range/,
    hint: /tasks: `a`/,
  },
];

describe('input errors', () => {
  it.each(cases)('$name', ({ text, code, line, col, message, hint }) => {
    const issue = issueOf(text);
    expect({ code: issue.code, line: issue.span?.line, col: issue.span?.col }).toEqual({ code, line, col });
    expect(issue.span?.file).toBe('bad.yaml');
    expect(issue.message).toMatch(message);
    expect(issue.hint).toMatch(hint);
  });

  it('formats as file:line:col: error[code] with the hint below', () => {
    const issue = issueOf(`${HEAD}tasks:\n  - name: t\n    stack: [k+0x0/0x8]\n    steps:\n      - lock: dev_lok\n`);
    expect(formatIssue(issue)).toBe(
      'bad.yaml:9:15: error[unknown-lock]: unknown lock `dev_lok`\n  hint: did you mean `dev_lock`? declared classes: `dev_lock`, `list_lock`',
    );
  });

  it('never throws anything but LockdepSimError, whatever the input', () => {
    const inputs = ['', '[]', '42', 'kernel: 5', '{kernel: "6.1.0", tasks: 3}', 'kernel: "6.1.0"\ntasks: [1]', 'kernel: "6.1.0"\ntasks: [{name: t, steps: [3]}]', '*x', 'a: &a [*a]', '%YAML 1.1\n---\nkernel: "6.1.0"\ntasks: [{name: t, steps: [{irq: off}]}]'];
    for (const text of inputs) {
      expect(() => parseScenario(text, 'x.yaml'), text).toThrow(LockdepSimError);
    }
  });
});

describe('suggestions', () => {
  it('suggests typos but not unrelated short names', () => {
    expect(closest('dve', ['dev', 'cpu'])).toBe('dev');
    expect(closest('spinlok', ['spinlock', 'mutex'])).toBe('spinlock');
    expect(closest('B', ['A'])).toBeUndefined();
    expect(closest('completely_else', ['dev_lock'])).toBeUndefined();
  });
});
