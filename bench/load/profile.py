#!/usr/bin/env python3
"""Summarizes a dotnet-trace speedscope file: per method, self and inclusive time summed over every thread, and the
same per part of the node's request path (patterns below, first match of a stack wins for inclusive parts). Time
in waits (a thread blocked in a monitor, epoll, a semaphore) is listed apart, as "waiting", so the rest is CPU."""
import json, re, sys
from collections import defaultdict

WAIT = re.compile(r'WaitHandle|WaitOne|Monitor\.Wait|SemaphoreSlim\.Wait|LowLevelLifoSemaphore|epoll_wait|'
                  r'WaitForSignal|Thread\.Sleep|WaitNative|SleepEx|LowLevelMonitor|PortableThreadPool\.WorkerThread\.WorkerDoWork|'
                  r'Interop\+Sys\.WaitForSocketEvents|GateThread|Interop\+Sys\.Read\b|WaitCore|ManualResetEventSlim\.Wait|'
                  r'TimerQueue|Interop\+Sys\.Poll')
# Frames above every stack (process, thread), and the leaf frames dotnet-trace adds to say where a sample was.
ROOT = re.compile(r'Process64 |Threads$|Thread \(|\(Non-Activities\)')
PSEUDO = {'CPU_TIME', 'UNMANAGED_CODE_TIME'}
PARTS = [
    ('fsync (FlushToDisk, fsync syscall)', r'FlushToDisk|Sys\.FSync'),
    ('storage writer (encode, write)', r'Tally\.Storage\.'),
    ('replica core (Replica, ReplicaNode, CounterMap)', r'Tally\.Replication\.|Tally\.Crdt\.'),
    ('executor hand-off (ReplicaExecutor, TaskCompletionSource)', r'Tally\.Node\.ReplicaExecutor|TaskCompletionSource'),
    ('metrics', r'System\.Diagnostics\.Metrics|OpenTelemetry|NodeMetrics'),
    ('JSON (request and response)', r'System\.Text\.Json|RequestBody\.|JsonTypeInfo'),
    ('view route handler (validation, headers)', r'Tally\.Node\.VideoViewsApi|IdempotencyKeyHeader|VideoId'),
    ('auth, path guard, problem details middleware', r'Authentication|Authorization|PathGuard|ExceptionHandler|StatusCodePages'),
    ('routing and endpoint plumbing', r'Routing|RequestDelegateFactory|EndpointMiddleware|Http\.Generated|RouteHandler'),
    ('Kestrel HTTP/1.1 and sockets', r'Kestrel|System\.Net\.Sockets|System\.IO\.Pipelines'),
    ('GC', r'GC_|gc_heap|GarbageCollect|WKS::|SVR::'),
]

def main(path):
    data = json.load(open(path))
    frames = [f['name'] for f in data['shared']['frames']]
    self_t = defaultdict(float); incl_t = defaultdict(float); part_t = defaultdict(float)
    total = 0.0; waiting = 0.0
    for prof in data['profiles']:
        if prof.get('type') == 'evented':
            stack = []; last = prof.get('startValue', 0)
            def account(dt):
                nonlocal total, waiting
                if not stack or dt <= 0:
                    return
                names = [frames[i] for i in stack if not ROOT.match(frames[i])]
                if not names or WAIT.search(names[-2] if len(names) > 1 and names[-1] in PSEUDO else names[-1]):
                    waiting += dt; return
                total += dt
                self_t[names[-1]] += dt
                for n in set(names):
                    incl_t[n] += dt
                for label, pattern in PARTS:
                    if any(re.search(pattern, n) for n in names):
                        part_t[label] += dt
                        break
                else:
                    part_t['other'] += dt
            for ev in prof['events']:
                account(ev['at'] - last); last = ev['at']
                if ev['type'] == 'O':
                    stack.append(ev['frame'])
                else:
                    # close the frame (and anything above it)
                    while stack:
                        if stack.pop() == ev['frame']:
                            break
        else:
            for sample, weight in zip(prof['samples'], prof['weights']):
                names = [frames[i] for i in sample if not ROOT.match(frames[i])]
                if not names or WAIT.search(names[-2] if len(names) > 1 and names[-1] in PSEUDO else names[-1]):
                    waiting += weight; continue
                total += weight; self_t[names[-1]] += weight
                for n in set(names): incl_t[n] += weight
    print(f'busy (not waiting) {total:.0f}, waiting {waiting:.0f} (profile units, summed over threads)')
    print('\nparts of the request path (a stack counts for the first part it matches, top to bottom):')
    for label, _ in PARTS + [('other', '')]:
        if part_t[label]:
            print(f'  {100 * part_t[label] / total:5.1f}%  {label}')
    print('\nself time, top 40:')
    for name, t in sorted(self_t.items(), key=lambda kv: -kv[1])[:40]:
        print(f'  {100 * t / total:5.1f}%  {name[:160]}')
    print('\ninclusive time, top 60:')
    for name, t in sorted(incl_t.items(), key=lambda kv: -kv[1])[:60]:
        print(f'  {100 * t / total:5.1f}%  {name[:160]}')

if __name__ == '__main__':
    main(sys.argv[1])
