#!/usr/bin/env python3
"""Splits the on-CPU samples of `perf script` (profile.sh with PERF=1) into parts of the request path: each sample
goes to the first part, top to bottom, that matches its leaf (scheduling) or any frame of its stack."""
import re, subprocess, sys
from collections import Counter

LEAF_PARTS = [
    ('scheduler: context switches, wake-ups, yields', r'finish_task_switch|__schedule|do_sched_yield|sched_yield|'
     r'try_to_wake_up|_raw_spin_unlock_irqrestore|pick_next|dequeue_task|enqueue_task|futex'),
]
STACK_PARTS = [
    ('fsync and the log write (kernel and store writer)', r'Interop\+Sys::FSync|Interop\+Sys::FSync|SafeFileHandle|RandomAccess|'
     r'FlushToDisk|vfs_fsync|ext4_sync|iowrite16|jbd2|blk_'),
    ('GC', r'WKS::|SVR::|gc_heap|GCHeap|GarbageCollect'),
    ('storage writer (Tally.Storage, record encoding)', r'\[Tally\.Storage\]'),
    ('executor hand-off (ReplicaExecutor, lock, TaskCompletionSource)', r'\[Tally\.Node\] Tally\.Node\.ReplicaExecutor|TaskCompletionSource|'
     r'System\.Threading\.Lock::'),
    ('replica core (Replica, ReplicaNode, CounterMap)', r'\[Tally\.Replication\]|\[Tally\.Crdt\]'),
    ('metrics', r'System\.Diagnostics\.Metrics|OpenTelemetry|NodeMetrics'),
    ('JSON (request and response)', r'\[System\.Text\.Json\]|RequestBody'),
    ('view route handler (validation, headers)', r'\[Tally\.Node\] Tally\.Node\.VideoViewsApi|IdempotencyKeyHeader'),
    ('middleware: path guard, auth, exception and status pages', r'PathGuard|Authentication|Authorization|ExceptionHandler|StatusCodePages'),
    ('routing and endpoint plumbing', r'\[Microsoft\.AspNetCore\.Routing\]|RequestDelegateFactory|Http\.Generated'),
    ('Kestrel, sockets and the kernel network stack', r'Kestrel|System\.Net\.Sockets|System\.IO\.Pipelines|tcp_|sock_|__sys_|'
     r'epoll|ip_|nf_|skb|net_rx|__libc_recv|__send|do_syscall_64|entry_SYSCALL'),
    ('thread pool dispatch', r'ThreadPoolWorkQueue|PortableThreadPool|WorkerThread'),
]

def main(path):
    text = subprocess.run(['perf', 'script', '-i', path, '-F', 'comm,tid,ip,sym'], capture_output=True, text=True).stdout
    parts = Counter(); total = 0
    for block in text.split('\n\n'):
        lines = [l.strip() for l in block.strip().split('\n') if l.strip()]
        if len(lines) < 2:
            continue
        frames = [re.sub(r'^[0-9a-f]+\s+', '', l) for l in lines[1:]]
        total += 1
        leaf = frames[0]
        label = next((n for n, p in LEAF_PARTS if re.search(p, leaf)), None)
        if label is None:
            label = next((n for n, p in STACK_PARTS if any(re.search(p, f) for f in frames)), 'other (runtime, libc, unresolved)')
        parts[label] += 1
    print(f'{total} on-CPU samples')
    for label, count in parts.most_common():
        print(f'  {100 * count / total:5.1f}%  {label}')

if __name__ == '__main__':
    main(sys.argv[1])
