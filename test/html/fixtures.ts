/** Scenarios with names that must be shown literally and never interpreted (shared by the unit and browser tests). */

/** Real kernel class names with HTML specials. */
export const TRICKY_NAMES = ['&dev->mutex', '(work_completion)(&(&wb->dwork)->work)', `&"quoted" 'sq' <lt> >gt`];

/**
 * ABBA-ABBA over three classes whose names (and one task's comm) try to inject markup and script:
 * a report fires, so the names appear in the graph, the held locks, the steps and the splat.
 */
export const HOSTILE_YAML = `kernel: "6.1.0 #1"
classes:
  A:
    name: "</script><script>window.__pwned=1</script>"
    kind: mutex
  B:
    name: "<img src=x onerror=\\"window.__pwned=2\\"><svg onload=window.__pwned=3>"
    kind: mutex
  C:
    name: "(work_completion)(&(&wb->dwork)->work)"
    kind: mutex
  D:
    name: "&dev->mutex"
    kind: mutex
  E:
    name: "&\\"quoted\\" 'sq' <lt> >gt"
    kind: mutex
tasks:
  - name: "<b>evil</b>"
    stack: [do_evil+0x10/0x80]
    steps: [{ lock: D }, { lock: A }, { lock: B }, { lock: C }, { lock: E }, { unlock: E }, { unlock: C }, { unlock: B }, { unlock: A }, { unlock: D }]
  - name: T2
    stack: [do_t2+0x10/0x80]
    steps: [{ lock: C }, { lock: A }, { unlock: A }, { unlock: C }]
`;
