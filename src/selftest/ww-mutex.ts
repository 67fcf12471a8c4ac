/**
 * The wound/wait mutex layer the "Wound/wait tests" rows exercise, as of 6.1
 * (include/linux/ww_mutex.h, kernel/locking/ww_mutex.h, kernel/locking/mutex.c) with
 * CONFIG_PROVE_LOCKING, hence DEBUG_WW_MUTEXES and CONFIG_DEBUG_WW_MUTEX_SLOWPATH. It emits the
 * lockdep calls those functions make (the validator judges them) and evaluates the ww_mutex
 * debug assertions itself (DEBUG_LOCKS_WARN_ON in the ww code: recorded as API warnings).
 *
 * Invariants: one task; a mutex is "owned" when it is really locked, which a test may do behind
 * lockdep's back (mutex_lock() then mutex_release() on its map: owned by "another context").
 * The wait-die class the tests use (DEFINE_WD_CLASS(ww_lockdep)) is the only ww class.
 */
import type { LockVar, Program } from './program.js';

/** struct ww_acquire_ctx (the fields the debug checks read). */
export interface WwCtx {
  readonly map: LockVar;
  stamp: number;
  acquired: number;
  doneAcquire: boolean;
  contending: WwMutex | null;
  /** ww_class; a test may clear it (ww_test_diff_class). */
  wwClass: string | null;
}

/** struct ww_mutex: its base mutex's map, the owning context and whether the base is locked. */
export interface WwMutex {
  readonly map: LockVar;
  /** ww->ctx; `poison` is the (void *)~0UL ww_test_normal stores to see that plain mutex calls leave it alone. */
  ctx: WwCtx | 'poison' | null;
  owned: boolean;
  readonly wwClass: string;
}

export const EALREADY = -114;
export const EDEADLK = -35;

const WW_CLASS = 'ww_lockdep';

/** A test would block forever here (never the case in the ported tests): not expressible. */
class WouldBlock extends Error {}

export class WwApi {
  private readonly p: Program;
  /** ww_class->stamp */
  private classStamp = 0;

  constructor(p: Program) {
    this.p = p;
  }

  /** ww_acquire_ctx t, t2: maps of the class `ww_lockdep_acquire` (lockdep_init_map: wait type 0). */
  ctx(index: number): WwCtx {
    return {
      map: { cls: `${WW_CLASS}_acquire`, kind: 'lockdep_map', instance: index },
      stamp: 0,
      acquired: 0,
      doneAcquire: false,
      contending: null,
      wwClass: WW_CLASS,
    };
  }

  /** ww_mutex o, o2, o3: ww_mutex_init() → __mutex_init() with the class's mutex_key. */
  mutex(index: number): WwMutex {
    return { map: { cls: `${WW_CLASS}_mutex`, kind: 'mutex', instance: index }, ctx: null, owned: false, wwClass: WW_CLASS };
  }

  /** `t2 = t`: a struct copy (the copy's lockdep_map is a second instance of the same class). */
  copyCtx(dst: WwCtx, src: WwCtx): void {
    dst.stamp = src.stamp;
    dst.acquired = src.acquired;
    dst.doneAcquire = src.doneAcquire;
    dst.contending = src.contending;
    dst.wwClass = src.wwClass;
  }

  private warnOn(cond: boolean, condition: string, fn: string): void {
    if (cond) this.p.warn(condition, fn);
  }

  /** WWAI: ww_acquire_init(). The deadlock-injection countdown is set to ~0U by the test (never fires). */
  acquireInit(ctx: WwCtx): void {
    ctx.stamp = ++this.classStamp;
    ctx.acquired = 0;
    ctx.wwClass = WW_CLASS;
    ctx.doneAcquire = false;
    ctx.contending = null;
    this.p.free(ctx.map);
    this.p.acquire(ctx.map);
  }

  /** WWAD: ww_acquire_done() (its lockdep_assert_held() is a plain WARN and does not turn debug_locks off). */
  acquireDone(ctx: WwCtx): void {
    this.warnOn(ctx.doneAcquire, 'ctx->done_acquire', 'ww_acquire_done');
    ctx.doneAcquire = true;
  }

  /** WWAF: ww_acquire_fini(). */
  acquireFini(ctx: WwCtx): void {
    this.p.release(ctx.map);
    this.warnOn(ctx.acquired !== 0, 'ctx->acquired', 'ww_acquire_fini');
  }

  /** ww_mutex_lock_acquired(): the DEBUG_WW_MUTEXES checks once the lock is taken with a context. */
  private lockAcquired(ww: WwMutex, ctx: WwCtx): void {
    this.warnOn(ww.ctx !== null, 'ww->ctx', 'ww_mutex_lock_acquired');
    this.warnOn(ctx.doneAcquire, 'ww_ctx->done_acquire', 'ww_mutex_lock_acquired');
    if (ctx.contending) {
      this.warnOn(ctx.contending !== ww, 'ww_ctx->contending_lock != ww', 'ww_mutex_lock_acquired');
      this.warnOn(ctx.acquired > 0, 'ww_ctx->acquired > 0', 'ww_mutex_lock_acquired');
      ctx.contending = null;
    }
    this.warnOn(ctx.wwClass !== ww.wwClass, 'ww_ctx->ww_class != ww->ww_class', 'ww_mutex_lock_acquired');
    ctx.acquired++;
    ww.ctx = ctx;
  }

  /** __ww_mutex_kill(): the context backs off with -EDEADLK (only when it holds locks). */
  private kill(ww: WwMutex, ctx: WwCtx): number {
    this.warnOn(ctx.contending !== null, 'ww_ctx->contending_lock', '__ww_mutex_kill');
    ctx.contending = ww;
    return EDEADLK;
  }

  /**
   * WWL / WWL1: ww_mutex_lock(ww, ctx) → __mutex_lock_common() with the context as nest lock.
   * Returns 0, -EALREADY (same context, before any lockdep call) or -EDEADLK (wait-die: a younger
   * context meets an older holder; the acquisition is released again on the error path).
   */
  lock(ww: WwMutex, ctx: WwCtx | null): number {
    if (ctx && ww.ctx === ctx) return EALREADY;
    this.p.acquire(ww.map, ctx ? { nest: ctx.map } : {});
    if (!ww.owned) {
      ww.owned = true;
      if (ctx) this.lockAcquired(ww, ctx);
      return 0;
    }
    // Contended: __ww_mutex_check_kill() in the wait loop.
    const hold = ww.ctx !== 'poison' ? ww.ctx : null;
    if (ctx && ctx.acquired > 0 && hold && ctx.stamp > hold.stamp) {
      const ret = this.kill(ww, ctx);
      this.p.release(ww.map);
      return ret;
    }
    throw new WouldBlock(`${this.p.fn}: ww_mutex_lock() would sleep forever`);
  }

  /** ww_mutex_lock_slow(): only legal after -EDEADLK. */
  lockSlow(ww: WwMutex, ctx: WwCtx): number {
    this.warnOn(!ctx.contending, '!ctx->contending_lock', 'ww_mutex_lock_slow');
    return this.lock(ww, ctx);
  }

  /** WWT: ww_mutex_trylock(ww, NULL) = mutex_trylock() on the base mutex. */
  trylock(ww: WwMutex): boolean {
    return this.mutexTrylock(ww);
  }

  /** WWU: ww_mutex_unlock() = __ww_mutex_unlock() + mutex_unlock(). */
  unlock(ww: WwMutex): void {
    if (ww.ctx && ww.ctx !== 'poison') {
      this.warnOn(!ww.ctx.acquired, '!lock->ctx->acquired', '__ww_mutex_unlock');
      if (ww.ctx.acquired > 0) ww.ctx.acquired--;
    }
    if (ww.ctx) ww.ctx = null;
    this.mutexUnlock(ww);
  }

  /** mutex_lock{,_interruptible,_killable,_nest_lock}() on the base mutex: no ww bookkeeping. */
  mutexLock(ww: WwMutex, nest?: WwCtx): void {
    this.p.acquire(ww.map, nest ? { nest: nest.map } : {});
    if (ww.owned) throw new WouldBlock(`${this.p.fn}: mutex_lock() would sleep forever`);
    ww.owned = true;
  }

  /** mutex_trylock(): a lockdep trylock acquisition only when it succeeds. */
  mutexTrylock(ww: WwMutex): boolean {
    if (ww.owned) return false;
    ww.owned = true;
    this.p.acquire(ww.map, { trylock: true });
    return true;
  }

  /** mutex_unlock(): lockdep release, then the DEBUG_MUTEXES owner check. */
  mutexUnlock(ww: WwMutex): void {
    this.p.release(ww.map);
    this.warnOn(!ww.owned, '__owner_task(owner) != current', '__mutex_unlock_slowpath');
    ww.owned = false;
  }

  /** mutex_release(&ww->base.dep_map): lockdep forgets the lock, the mutex stays locked. */
  mutexRelease(ww: WwMutex): void {
    this.p.release(ww.map);
  }

  /** mutex_acquire(&ww->base.dep_map, 0, trylock, ip): lockdep only. */
  mutexAcquire(ww: WwMutex, trylock: boolean): void {
    this.p.acquire(ww.map, { trylock });
  }
}
