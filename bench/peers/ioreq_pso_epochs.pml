/* ioreq_pso_epochs.pml -- the SPIN peer's ioreq_pso.pml (../../../shared/peers/spin)
   with xenmc's PSO store barrier instead of the peer's (bench/peers/spin-ioreq.ts,
   checker/memory/pso.ts), to cross-check xenmc's state counts with SPIN's:
   - wmb is a transition of its own (X4W, D6W) that closes the writer's current epoch
     if a store of that epoch is buffered; the store after it no longer waits;
   - every buffered store carries its epoch; a buffer's oldest entry may be flushed only
     if it is of the oldest epoch (0); epochs are renumbered when that epoch empties, and
     are 0 when nothing is buffered, as xenmc keeps them.
   Everything else is the peer's model unchanged.
   Original header:
   per-(writer,location) FIFO store buffers, so stores to different locations
   may become visible out of order; loads are in order (rmb no-op); wmb drains.
   Bug switches: -DNO_WMB (both sides), -DNO_WMB_XEN, -DNO_WMB_DM remove the wmb
   before the state update.  -DNOTIFY_FENCE=0 makes evtchn ops non-fencing. */
#ifndef N
#define N 2            /* number of guest vCPUs (1..4) */
#endif
#ifndef K
#define K 2            /* MMIO requests per vCPU (1..3) */
#endif
#ifndef NOTIFY_FENCE
#define NOTIFY_FENCE 1 /* evtchn notify / pending-clear are locked RMWs: drain own store buffer first */
#endif
#ifdef NO_WMB
#define NO_WMB_XEN
#define NO_WMB_DM
#endif

/* ioreq slot states */
#define NONE         0
#define READY        1
#define INPROCESS    2
#define IORESP_READY 3
/* directions (as in Xen: IOREQ_READ=0, IOREQ_WRITE=1) */
#define IOREQ_READ   0
#define IOREQ_WRITE  1

/* request k (0-based) of vCPU i */
#define ADDR(i,k)  (1 + (i)*K + (k))
#define DIR(i,k)   (((i) + (k)) % 2)
#define WVAL(a)    ((a) + 100)      /* data Xen writes for a WRITE request   */
#define RVAL(a)    ((a) + 50)       /* data the DM returns for a READ request */

/* shared ioreq page: flat memory, slot i fields at 4*i + f */
#define F_STATE 0
#define F_ADDR  1
#define F_DATA  2
#define F_DIR   3
#define LOC(i,f) (4*(i) + (f))
byte mem[4*N];

/* event channels: per-port pending bits (never store-buffered; see README) */
bit  xen_pend[N];      /* DM -> vCPU i notification */
bit  dm_pend[N];       /* vCPU i -> DM notification  */
byte dm_npend;         /* derived: number of set dm_pend bits (no extra states) */

byte req[N];           /* index of the current request of vCPU i (Xen-private counter,
                          read by the DM only inside assertions: a ghost) */
hidden byte tj;        /* scratch for loops inside d_step (not part of the state) */

#define DMP N          /* process index of the device model */
/* ---- memory model: PSO-like (store->store reordering between locations) ----
   One FIFO buffer (depth 2) per (writer, location) actually written:
     Xen vCPU i: buffers b = LOC(i,f) for f in 0..3        (b in 0..4N-1)
     DM:         buffers b = 4N + 2*i + 0 (state of slot i), 4N + 2*i + 1 (data of slot i)
   Store: append to the (writer,loc) FIFO. Load: newest own buffered value for loc,
   else memory (loads stay in program order: rmb = no-op).  Flush: one flusher per
   buffer moves its OLDEST value to memory (one step), so stores to different
   locations reach memory in any order.  wmb: the next store is enabled only when
   ALL own buffers are empty.  Locked RMW (evtchn ops): same drain condition. */
#define NBUF (6*N)
byte pbn[NBUF];        /* entries in buffer b (0..2) */
byte pb0[NBUF];        /* oldest */
byte pb1[NBUF];        /* newest when pbn==2 */
byte pcnt[N+1];        /* derived: total buffered stores of process p */
byte pe0[NBUF];        /* epoch of the oldest entry */
byte pe1[NBUF];        /* epoch of the newest entry when pbn==2 */
byte cur[N+1];         /* the epoch process p's next store gets */
hidden byte tb;        /* scratch buffer index inside d_steps */
hidden byte tfound;
#define BIDX(p,l) (((p) < N) -> (l) : (4*N + 2*((l)/4) + (((l)%4) == F_DATA)))
#define BLOC(b)   (((b) < 4*N) -> (b) : (4*(((b)-4*N)/2) + ((((b)-4*N)%2) -> F_DATA : F_STATE)))
#define BOWN(b)   (((b) < 4*N) -> ((b)/4) : N)
#define LDV(p,l)  ((pbn[BIDX(p,l)] == 2) -> pb1[BIDX(p,l)] : ((pbn[BIDX(p,l)] == 1) -> pb0[BIDX(p,l)] : mem[l]))
#define CANST(p,l) (pbn[BIDX(p,l)] < 2)
#define ST(p,l,v) if :: pbn[BIDX(p,l)] == 0 -> pb0[BIDX(p,l)] = (v); pe0[BIDX(p,l)] = cur[p] :: else -> pb1[BIDX(p,l)] = (v); pe1[BIDX(p,l)] = cur[p] fi; pbn[BIDX(p,l)]++; pcnt[p]++
/* own buffers of process p: b in [BLO(p), BHI(p)) */
#define BLO(p) (((p) < N) -> 4*(p) : 4*N)
#define BHI(p) (((p) < N) -> 4*(p)+4 : NBUF)
#define NEWEST_EP(b) ((pbn[b] == 2) -> pe1[b] : pe0[b])
/* xenmc's wmb: close the current epoch if a store of it is buffered */
#define WMB_STEP(p) \
  tfound = 0; tb = BLO(p); \
  do :: tb < BHI(p) -> if :: pbn[tb] > 0 && NEWEST_EP(tb) == cur[p] -> tfound = 1 :: else -> skip fi; tb++ \
     :: else -> break od; \
  if :: tfound -> cur[p]++ :: else -> skip fi; tb = 0; tfound = 0
#define FENCED(p) (pcnt[p] == 0)
#define WMB(p)      FENCED(p) /* wmb: drain all own buffers before the next store */

/* ---- barrier switches ---- */
#ifdef NO_WMB_XEN
#define WMB_XEN(p) (1)
#else
#define WMB_XEN(p) WMB(p)
#endif
#ifdef NO_WMB_DM
#define WMB_DM(p)  (1)
#else
#define WMB_DM(p)  WMB(p)
#endif
#ifndef SPURIOUS
#define SPURIOUS 0   /* 1: the vCPU may also wake without a pending event (bug-hunting aid) */
#endif
#if NOTIFY_FENCE
#define LOCKED(p)  FENCED(p)
#else
#define LOCKED(p)  (1)
#endif

/* ---- Xen, acting for guest vCPU i = _pid (0..N-1) ---- */
#define ME _pid
#define X1 1
#define X2 2
#define X3 3
#define X4 4
#define X5 5
#define X6 6
#define X7 7
#define X8 8
#define X9 9
#define X10 10
#define XDONE 11
#define X4W 12
#define CUR_ADDR ADDR(ME, req[ME])
#define CUR_DIR  DIR(ME, req[ME])

active [N] proctype xen()
{
  byte pc = X1;
  do
  /* X1: check slot idle (else "Device model set bad IO state" -> domain crash) */
  :: d_step { pc == X1 -> assert(LDV(ME, LOC(ME,F_STATE)) == NONE); pc = X2 }
  /* X2..X4: fill the payload */
  :: d_step { pc == X2 && CANST(ME, LOC(ME,F_ADDR)) ->
                ST(ME, LOC(ME,F_ADDR), CUR_ADDR); pc = X3 }
  :: d_step { pc == X3 && CANST(ME, LOC(ME,F_DATA)) ->
                ST(ME, LOC(ME,F_DATA), ((CUR_DIR == IOREQ_WRITE) -> WVAL(CUR_ADDR) : 0)); pc = X4 }
  :: d_step { pc == X4 && CANST(ME, LOC(ME,F_DIR)) ->
                ST(ME, LOC(ME,F_DIR), CUR_DIR);
#ifdef NO_WMB_XEN
                pc = X5 }
#else
                pc = X4W }
  /* X4W: wmb, a step of its own */
  :: d_step { pc == X4W -> WMB_STEP(ME); pc = X5 }
#endif
  /* X5: state = READY */
  :: d_step { pc == X5 && CANST(ME, LOC(ME,F_STATE)) ->
                ST(ME, LOC(ME,F_STATE), READY); pc = X6 }
  /* X6: notify DM (locked set of the pending bit) */
  :: d_step { pc == X6 && LOCKED(ME) ->
                if :: !dm_pend[ME] -> dm_pend[ME] = 1; dm_npend++ :: else -> skip fi; pc = X7 }
  /* X7: block until pending, clear it (locked) */
  :: d_step { pc == X7 && (xen_pend[ME] || SPURIOUS) && LOCKED(ME) -> xen_pend[ME] = 0; pc = X8 }
  /* X8: re-check state; not yet IORESP_READY -> wait again */
  :: d_step { pc == X8 ->
                if :: LDV(ME, LOC(ME,F_STATE)) == IORESP_READY -> pc = X9
                   :: else -> pc = X7 fi }
  /* X9: [rmb]; read data; a READ must return exactly what the DM produced */
  :: d_step { pc == X9 ->
                assert(CUR_DIR == IOREQ_WRITE || LDV(ME, LOC(ME,F_DATA)) == RVAL(CUR_ADDR)); pc = X10 }
  /* X10: state = NONE; next request (or finish) */
  :: d_step { pc == X10 && CANST(ME, LOC(ME,F_STATE)) && req[ME] < K-1 ->
                ST(ME, LOC(ME,F_STATE), NONE); req[ME]++; pc = X1 }
  :: d_step { pc == X10 && CANST(ME, LOC(ME,F_STATE)) && req[ME] == K-1 ->
                ST(ME, LOC(ME,F_STATE), NONE); req[ME]++; pc = XDONE }; break
  od;
end_done:
  false   /* finished: blocked forever in a valid end state */
}

/* ---- device model: one thread serving all vCPU slots ---- */
#define D0 0
#define D1 1
#define D2 2
#define D3 3
#define D4 4
#define D5 5
#define D6 6
#define D7 7
#define D8 8
#ifdef NO_WMB_DM
#define D6W D7
#else
#define D6W 9
#endif
#define SLOT_STATE LDV(DMP, LOC(i,F_STATE))

active proctype dm()
{
  byte pc = D0;
  byte i = 0;   /* slot being scanned */
  byte a = 0;   /* addr read from slot i */
  byte d = 0;   /* dir read from slot i  */
end_wait:
  /* D0: block until some port is pending; clear all pending bits (locked) */
  if
  :: d_step { dm_npend > 0 && LOCKED(DMP) ->
                tj = 0;
                do :: tj < N -> dm_pend[tj] = 0; tj++ :: else -> break od;
                tj = 0; dm_npend = 0; pc = D1 }
  fi;
  do
  /* D1: scan slot i */
  :: d_step { pc == D1 && SLOT_STATE == READY -> pc = D2 }
  :: d_step { pc == D1 && SLOT_STATE != READY && i < N-1 -> i++ }
  :: d_step { pc == D1 && SLOT_STATE != READY && i == N-1 -> i = 0; pc = D0 }; goto end_wait
  /* D2..D4: [rmb]; read payload; it must be the one Xen wrote for this request */
  :: d_step { pc == D2 -> a = LDV(DMP, LOC(i,F_ADDR)); assert(a == ADDR(i, req[i])); pc = D3 }
  :: d_step { pc == D3 -> d = LDV(DMP, LOC(i,F_DIR));  assert(d == DIR(i, req[i]));  pc = D4 }
  :: d_step { pc == D4 -> assert(d == IOREQ_READ || LDV(DMP, LOC(i,F_DATA)) == WVAL(a)); pc = D5 }
  /* D5: state = INPROCESS */
  :: d_step { pc == D5 && CANST(DMP, LOC(i,F_STATE)) ->
                ST(DMP, LOC(i,F_STATE), INPROCESS);
                if :: d == IOREQ_READ -> pc = D6 :: else -> pc = D6W fi }
  /* D6: emulate the read: data = f(addr) */
  :: d_step { pc == D6 && CANST(DMP, LOC(i,F_DATA)) ->
                ST(DMP, LOC(i,F_DATA), RVAL(a)); pc = D6W }
#ifndef NO_WMB_DM
  /* D6W: wmb, a step of its own */
  :: d_step { pc == D6W -> WMB_STEP(DMP); pc = D7 }
#endif
  /* D7: state = IORESP_READY (a, d dead from here: reset) */
  :: d_step { pc == D7 && CANST(DMP, LOC(i,F_STATE)) ->
                ST(DMP, LOC(i,F_STATE), IORESP_READY); a = 0; d = 0; pc = D8 }
  /* D8: notify vCPU i (locked set), continue the scan or go back to waiting */
  :: d_step { pc == D8 && LOCKED(DMP) && i < N-1 -> xen_pend[i] = 1; i++; pc = D1 }
  :: d_step { pc == D8 && LOCKED(DMP) && i == N-1 -> xen_pend[i] = 1; i = 0; pc = D0 }; goto end_wait
  od
}

/* ---- flushers: one per (writer,location) buffer b = 0..6N-1 (pid N+1+b) ---- */
#define FB (_pid - (N+1))
active [NBUF] proctype flusher()
{
end_f:
  do
  :: d_step { pbn[FB] > 0 && pe0[FB] == 0 ->
       mem[BLOC(FB)] = pb0[FB]; pb0[FB] = pb1[FB]; pb1[FB] = 0;
       pe0[FB] = pe1[FB]; pe1[FB] = 0;
       pbn[FB]--; pcnt[BOWN(FB)]--;
       if :: pbn[FB] == 0 -> pe0[FB] = 0 :: else -> skip fi;
       /* renumber the owner's epochs when the oldest one has left every buffer */
       if
       :: pcnt[BOWN(FB)] == 0 -> cur[BOWN(FB)] = 0
       :: else ->
          tfound = 0; tb = BLO(BOWN(FB));
          do :: tb < BHI(BOWN(FB)) -> if :: pbn[tb] > 0 && pe0[tb] == 0 -> tfound = 1 :: else -> skip fi; tb++
             :: else -> break od;
          if
          :: !tfound ->
             tb = BLO(BOWN(FB));
             do :: tb < BHI(BOWN(FB)) ->
                     if :: pbn[tb] > 0 -> pe0[tb]-- :: else -> skip fi;
                     if :: pbn[tb] == 2 -> pe1[tb]-- :: else -> skip fi;
                     tb++
                :: else -> break od;
             cur[BOWN(FB)]--
          :: else -> skip
          fi
       fi;
       tb = 0; tfound = 0 }
  od
}
