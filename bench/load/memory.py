#!/usr/bin/env python3
"""Node memory per video (issue 12): two `tally node` processes that gossip (n2 lists n1 as its peer), VIDEOS
distinct videos sent to n1 through the batch endpoint (10,000 per request, one view each), then, once both nodes
hold every video: each node's resident set growth over the empty node (VmRSS), and its live GC heap growth
(dotnet-gcdump's "GC Heap bytes" after a full collection, against the same at the start), per video.

usage: bench/load/memory.py VIDEOS [TALLY_DLL]   (after `dotnet build src/Tally.Cli -c Release`)
Everything binds to 127.0.0.1 on free ports; both processes are stopped here, by pid."""
import json, os, random, re, shutil, socket, subprocess, sys, tempfile, time, urllib.request

def free_port():
    s = socket.socket(); s.bind(('127.0.0.1', 0)); p = s.getsockname()[1]; s.close(); return p

def rss(pid):
    with open(f'/proc/{pid}/status') as f:
        return int(re.search(r'VmRSS:\s+(\d+) kB', f.read()).group(1)) * 1024

def get(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read().decode()

def videos_at(url):
    m = re.search(r'^tally_videos(?:\{[^}]*\})? (\d+)', get(url + '/metrics'), re.M)
    return int(m.group(1)) if m else 0

def gc_heap(pid, out):
    """Full GC and heap by type: dotnet-gcdump's report (total bytes, and the biggest types)."""
    path = os.path.join(out, f'{pid}.gcdump')
    subprocess.run(['dotnet', 'dotnet-gcdump', 'collect', '-p', str(pid), '-o', path], check=True, capture_output=True)
    report = subprocess.run(['dotnet', 'dotnet-gcdump', 'report', path], check=True, capture_output=True, text=True).stdout
    with open(path + '.txt', 'w') as f:
        f.write(report)
    rows = []
    for line in report.splitlines():
        m = re.match(r'\s*([\d,]+)\s+([\d,]+)\s+(.*)', line)
        if m:
            rows.append((int(m.group(1).replace(',', '')), int(m.group(2).replace(',', '')), m.group(3).strip()))
    total = int(re.search(r'([\d,]+)\s+GC Heap bytes', report).group(1).replace(',', ''))
    return total, sorted(rows, reverse=True)[:6]

def main():
    n = int(sys.argv[1])
    dll = sys.argv[2] if len(sys.argv) > 2 else 'src/Tally.Cli/bin/Release/net10.0/tally.dll'
    work = tempfile.mkdtemp(prefix='tally-memory-')
    keep = os.environ.get('KEEP_REPORTS')
    p1, p2 = free_port(), free_port()
    u1, u2 = f'http://127.0.0.1:{p1}', f'http://127.0.0.1:{p2}'
    common = ['--cluster-key', 'bench-cluster-key', '--admin-token', 'bench-admin-token', '--cluster-id', 'bench-memory']
    procs = []
    try:
        for name, url, peers in (('n1', u1, []), ('n2', u2, ['--peers', u1])):
            log = open(os.path.join(work, name + '.log'), 'w')
            procs.append(subprocess.Popen(['dotnet', dll, 'node', '--id', name, '--listen', url, '--data',
                                           os.path.join(work, name)] + common + peers, stdout=log, stderr=log))
        for url in (u1, u2):
            for _ in range(300):
                try:
                    get(url + '/health'); break
                except Exception:
                    time.sleep(0.2)
        time.sleep(3)
        heap0 = [gc_heap(p.pid, work)[0] for p in procs]
        base = [rss(p.pid) for p in procs]
        rnd = random.Random(1)
        alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
        seen = set(); start = time.time(); sent = 0
        while sent < n:
            batch = []
            while len(batch) < min(10000, n - sent):
                v = rnd.choice(alphabet[:62]) + ''.join(rnd.choice(alphabet) for _ in range(10))
                if v not in seen:
                    seen.add(v); batch.append({'videoId': v, 'amount': 1})
            body = json.dumps({'views': batch}).encode()
            req = urllib.request.Request(u1 + '/views', body, {'Content-Type': 'application/json'})
            urllib.request.urlopen(req, timeout=120).read()
            sent += len(batch)
        seen = None
        print(f'sent {n:,} videos to n1 in {time.time() - start:.1f} s')
        for _ in range(1200):
            if videos_at(u1) >= n and videos_at(u2) >= n:
                break
            time.sleep(0.5)
        print(f'both nodes hold {n:,} videos after {time.time() - start:.1f} s')
        time.sleep(5)
        for name, p, b, h0 in zip(('n1 (took the views)', 'n2 (learned them by gossip)'), procs, base, heap0):
            grown = rss(p.pid) - b
            heap, top = gc_heap(p.pid, work)
            after = rss(p.pid) - b
            print(f'{name}: RSS growth {grown / n:.1f} B per video ({after / n:.1f} after a full GC); '
                  f'live GC heap growth {(heap - h0) / n:.1f} B per video; largest objects:')
            for size, count, typ in top:
                print(f'    {size / n:7.1f} B/video  {count:>12,}  {typ[:110]}')
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        if keep:
            os.makedirs(keep, exist_ok=True)
            for f in os.listdir(work):
                if f.endswith('.txt') or f.endswith('.log'):
                    shutil.copy(os.path.join(work, f), keep)
        shutil.rmtree(work, ignore_errors=True)

if __name__ == '__main__':
    main()
