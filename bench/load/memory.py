#!/usr/bin/env python3
"""Node memory per video (issue 12): two `tally node` processes that gossip (n2 lists n1 as its peer), VIDEOS
distinct videos sent to n1 through the batch endpoint (10,000 per request, one view each), then, once both nodes
hold every video: each node's resident set growth over the empty node (VmRSS) right away and after SETTLE seconds,
the growth of the GC's committed bytes (from /metrics), and its live GC heap growth (dotnet-gcdump's "GC Heap bytes" after a full
collection, against the same at the start), per video.

CONFIGS runs several configurations in the same run, so they meet the same machine load: each gets its own pair of
nodes, and every batch goes to every pair's n1 in turn. Entries are separated by ';', each `label` or
`label:NAME=VALUE,NAME=VALUE` (environment variables for both nodes, e.g. DOTNET_GCConserveMemory=7) and optionally
`@path/to/tally.dll` at the end (another build). Default: one configuration, `current`.

usage: bench/load/memory.py VIDEOS [TALLY_DLL]   (after `dotnet build src/Tally.Cli -c Release`)
       CONFIGS='current;conserve:DOTNET_GCConserveMemory=7' SETTLE=60 bench/load/memory.py 2000000
Everything binds to 127.0.0.1 on free ports; every process is stopped here, by pid."""
import json, os, random, re, shutil, socket, subprocess, sys, tempfile, time, urllib.request

def free_port():
    s = socket.socket(); s.bind(('127.0.0.1', 0)); p = s.getsockname()[1]; s.close(); return p

def rss(pid):
    with open(f'/proc/{pid}/status') as f:
        return int(re.search(r'VmRSS:\s+(\d+) kB', f.read()).group(1)) * 1024

def get(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read().decode()

def metric(text, name):
    """Sum of every series of a Prometheus metric (0 when absent)."""
    return sum(float(v) for v in re.findall(rf'^{name}(?:\{{[^}}]*\}})? (\S+)', text, re.M))

def videos_at(url):
    return int(metric(get(url + '/metrics'), 'tally_videos'))

def committed(url):
    """Bytes the GC had committed at its last collection (the runtime's System.Runtime meter)."""
    return metric(get(url + '/metrics'), 'dotnet_gc_last_collection_memory_committed_size_bytes')

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

def parse_configs(spec, default_dll):
    configs = []
    for entry in filter(None, (e.strip() for e in spec.split(';'))):
        dll = default_dll
        if '@' in entry:
            entry, dll = entry.split('@', 1)
        label, _, env = entry.partition(':')
        configs.append((label, dict(kv.split('=', 1) for kv in filter(None, env.split(','))), dll))
    return configs

def main():
    n = int(sys.argv[1])
    dll = sys.argv[2] if len(sys.argv) > 2 else 'src/Tally.Cli/bin/Release/net10.0/tally.dll'
    configs = parse_configs(os.environ.get('CONFIGS', 'current'), dll)
    settle = int(os.environ.get('SETTLE', '60'))
    work = tempfile.mkdtemp(prefix='tally-memory-')
    keep = os.environ.get('KEEP_REPORTS')
    common = ['--cluster-key', 'bench-cluster-key', '--admin-token', 'bench-admin-token', '--cluster-id', 'bench-memory']
    pairs = []  # (label, [(name, url, proc)])
    with open('/proc/loadavg') as f:
        print(f'load average at start: {" ".join(f.read().split()[:3])}')
    try:
        for label, env, cdll in configs:
            u1, u2 = f'http://127.0.0.1:{free_port()}', f'http://127.0.0.1:{free_port()}'
            nodes = []
            for name, url, peers in (('n1', u1, []), ('n2', u2, ['--peers', u1])):
                log = open(os.path.join(work, f'{label}-{name}.log'), 'w')
                proc = subprocess.Popen(['dotnet', cdll, 'node', '--id', name, '--listen', url, '--data',
                                         os.path.join(work, label, name)] + common + peers,
                                        stdout=log, stderr=log, env={**os.environ, **env})
                nodes.append((name, url, proc))
            pairs.append((label, nodes))
            print(f'{label}: {env or "(no settings)"} {cdll}')
        for _, nodes in pairs:
            for name, url, proc in nodes:
                for _ in range(300):
                    if proc.poll() is not None:
                        raise SystemExit(f'{label} {name} exited with {proc.returncode}: see its log')
                    try:
                        get(url + '/health'); break
                    except Exception:
                        time.sleep(0.2)
        time.sleep(3)
        heap0 = {p.pid: gc_heap(p.pid, work)[0] for _, nodes in pairs for _, _, p in nodes}
        base = {p.pid: rss(p.pid) for _, nodes in pairs for _, _, p in nodes}
        committed0 = {url: committed(url) for _, nodes in pairs for _, url, _ in nodes}
        rnd = random.Random(1)
        alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
        seen = set(); start = time.time(); sent = 0
        spent = {label: 0.0 for label, _ in pairs}
        while sent < n:
            batch = []
            while len(batch) < min(10000, n - sent):
                v = rnd.choice(alphabet[:62]) + ''.join(rnd.choice(alphabet) for _ in range(10))
                if v not in seen:
                    seen.add(v); batch.append({'videoId': v, 'amount': 1})
            body = json.dumps({'views': batch}).encode()
            for label, nodes in pairs:
                began = time.time()
                req = urllib.request.Request(nodes[0][1] + '/views', body, {'Content-Type': 'application/json'})
                urllib.request.urlopen(req, timeout=120).read()
                spent[label] += time.time() - began
            sent += len(batch)
        seen = None
        print(f'sent {n:,} videos to each n1 in {time.time() - start:.1f} s; time in POST /views per configuration: '
              + ', '.join(f'{label} {s:.1f} s' for label, s in spent.items()))
        for label, nodes in pairs:
            for _ in range(2400):
                if all(videos_at(url) >= n for _, url, _ in nodes):
                    break
                time.sleep(0.5)
            print(f'{label}: both nodes hold {n:,} videos after {time.time() - start:.1f} s')
        time.sleep(5)
        early = {p.pid: rss(p.pid) for _, nodes in pairs for _, _, p in nodes}
        time.sleep(settle)
        late = {p.pid: rss(p.pid) for _, nodes in pairs for _, _, p in nodes}
        with open('/proc/loadavg') as f:
            print(f'load average at the end: {" ".join(f.read().split()[:3])}')
        for label, nodes in pairs:
            for (name, url, p), role in zip(nodes, ('took the views', 'learned them by gossip')):
                b = base[p.pid]
                before_gc = committed(url) - committed0[url]
                heap, top = gc_heap(p.pid, work)
                after = rss(p.pid) - b
                print(f'{label} {name} ({role}): RSS growth {(early[p.pid] - b) / n:.1f} B per video, '
                      f'{(late[p.pid] - b) / n:.1f} after {settle} s, {after / n:.1f} after a full GC; '
                      f'GC committed {before_gc / n:.1f} B per video ({(committed(url) - committed0[url]) / n:.1f} after the full GC); '
                      f'live GC heap growth {(heap - heap0[p.pid]) / n:.1f} B per video; largest objects:')
                for size, count, typ in top[:3]:
                    print(f'    {size / n:7.1f} B/video  {count:>12,}  {typ[:110]}')
    finally:
        procs = [p for _, nodes in pairs for _, _, p in nodes]
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
