// Tally dashboard page. Data arrives by Server-Sent Events from /api/events (about 4 updates a second); the chart's
// past comes from /api/history (kept by the dashboard process); actions are POSTs to /api/... which the dashboard's
// backend forwards to the nodes. Counts arrive as decimal strings and are BigInt here, so they stay exact at any size.
"use strict";

(() => {
  const VIDEO_ID = /^[A-Za-z0-9][A-Za-z0-9._~:-]{0,127}$/;
  const AMOUNT_MAX = 1000000;
  const COLORS = ["#2f6fde", "#1f8a4c", "#c53030", "#b7791f", "#7b3fc4", "#0f8b8d", "#d53f8c", "#718096", "#dd6b20", "#3182ce"];
  // Everything the page keeps, under one key: { clusterId, replica: {video: {replica: "n"}}, top: {video: "n"} }.
  const STORE_KEY = "tally.page.v2";
  const VIDEO_KEY = "tally.video";
  const RANGE_KEY = "tally.range";
  // Kept by earlier versions of the page without a cluster id: they cannot be trusted, so they are dropped.
  const OLD_KEYS = ["tally.replica.v1", "tally.top.v1"];

  const $ = (id) => document.getElementById(id);
  const big = (v) => (v === null || v === undefined ? null : BigInt(v));
  const fmt = (n) => (n === null || n === undefined ? "–" : BigInt(n).toLocaleString("en-US"));
  const clock = (ms) => new Date(ms).toLocaleTimeString("en-GB", { hour12: false });

  const params = new URLSearchParams(location.search);
  const page = {
    video: validVideo(params.get("video")) || validVideo(localStorage.getItem(VIDEO_KEY)) || "demo",
    range: Number(localStorage.getItem(RANGE_KEY)) || 300,
    source: null,
    retry: null,
    last: null,
    random: null,
    chart: null,
    chartKeys: "",
    history: { at: [], series: new Map() },
    historyFor: null,
    timelineKey: "",
  };

  function validVideo(v) {
    return v && VIDEO_ID.test(v) ? v : null;
  }

  // ---- What the page keeps: the browser's replica and the top videos, for one cluster ----

  function loadStore() {
    for (const key of OLD_KEYS) localStorage.removeItem(key);
    try {
      const value = JSON.parse(localStorage.getItem(STORE_KEY) || "null");
      if (value && typeof value === "object" && value.replica && value.top) return value;
    } catch {
      // Unreadable: start afresh.
    }
    return { clusterId: null, replica: {}, top: {} };
  }

  let store = loadStore();

  function save() {
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify(store));
    } catch {
      // Storage full or disabled: the page still works, it just forgets on reload.
    }
  }

  // The nodes report a cluster id; what the page kept for another cluster is dropped (a fresh cluster on the same
  // ports must not inherit old counts). No id in an update (no node answers) changes nothing.
  function adoptCluster(clusterId) {
    if (!clusterId || clusterId === store.clusterId) return;
    const had = store.clusterId;
    const kept = Object.keys(store.replica).length + Object.keys(store.top).length;
    if (had && kept > 0) {
      store = { clusterId, replica: {}, top: {} };
      showNotice(`The nodes now report cluster ${short(clusterId)} (this page had counts of cluster ${short(had)}): ` +
        "it dropped what it kept of the other cluster.");
      resetChart();
      loadHistory();
    } else {
      store.clusterId = clusterId;
    }
    save();
  }

  const short = (id) => (id && id.length > 12 ? id.slice(0, 8) + "…" : id || "–");

  function showNotice(text) {
    const el = $("cluster-notice");
    el.textContent = text;
    el.hidden = false;
  }

  function mergeEntries(video, entries) {
    const mine = store.replica[video] || (store.replica[video] = {});
    let changed = false;
    for (const [id, value] of Object.entries(entries || {})) {
      const v = big(value);
      if (v !== null && v > big(mine[id] || "0")) {
        mine[id] = v.toString();
        changed = true;
      }
    }
    return changed;
  }

  const replicaCount = (video) => Object.values(store.replica[video] || {}).reduce((a, b) => a + BigInt(b), 0n);

  function resetPage() {
    store = { clusterId: page.last ? page.last.clusterId || null : null, replica: {}, top: {} };
    save();
    $("cluster-notice").hidden = true;
    $("action-result").className = "result";
    $("action-result").textContent = "Page data cleared: the count and top videos refill from the nodes.";
    renderHeadline();
    if (page.last) onUpdate(page.last);
    else renderTop([]);
  }

  // ---- Live updates ----

  function connect() {
    if (page.source) page.source.close();
    clearTimeout(page.retry);
    setConnection("connecting", "connecting…");
    const source = new EventSource("/api/events?video=" + encodeURIComponent(page.video));
    page.source = source;
    source.addEventListener("update", (e) => onUpdate(JSON.parse(e.data)));
    source.onopen = () => setConnection("live", "live");
    source.onerror = () => {
      setConnection("reconnecting", "reconnecting…");
      // EventSource retries by itself after network errors; after an HTTP error it gives up, so retry here.
      if (source.readyState === EventSource.CLOSED) page.retry = setTimeout(connect, 2000);
    };
  }

  function setConnection(state, text) {
    const el = $("connection");
    el.dataset.state = state;
    el.textContent = text;
  }

  function onUpdate(update) {
    if (update.videoId !== page.video) return;
    adoptCluster(update.clusterId);
    page.last = update;
    let changed = false;
    if (!update.clusterId || update.clusterId === store.clusterId) {
      for (const node of update.nodes) {
        if (node.replicas) changed = mergeEntries(update.videoId, node.replicas) || changed;
      }
    }
    if (changed) save();
    renderMode(update);
    renderHeadline();
    renderCards(update);
    renderNodeSelect(update.nodes);
    renderTop(update.top);
    appendChart(update);
    renderTimeline(update.timeline || []);
    checkConvergence(update);
  }

  // ---- Rendering ----

  function renderMode(update) {
    const c = update.controls;
    $("add-node").disabled = !c.add;
    $("add-node").title = c.add ? "Start a new node that joins through a running one" : "Needs tally up";
    $("mode-note").textContent = update.mode === "supervised"
      ? "Cluster started by tally up: every control is available."
      : "Cluster started elsewhere: add, crash and restart are unavailable here (they need tally up); remove, partition and heal work.";
    const id = $("cluster-id");
    id.textContent = "cluster " + short(update.clusterId);
    id.title = update.clusterId ? "Cluster id " + update.clusterId : "The nodes report no cluster id";
  }

  function renderHeadline() {
    $("video-name").textContent = page.video;
    $("replica-count").textContent = fmt(replicaCount(page.video));
  }

  const rate = (v, unit) => (v >= 1000000 ? (v / 1000000).toFixed(1) + " M" : v >= 1000 ? (v / 1000).toFixed(1) + " k" : v.toFixed(v < 10 ? 1 : 0) + " ") + unit;

  function renderCards(update) {
    const cards = $("cards");
    const seen = new Set();
    const mine = replicaCount(update.videoId);
    for (const node of update.nodes) {
      seen.add(node.key);
      let card = cards.querySelector(`[data-node="${CSS.escape(node.key)}"]`);
      if (!card) {
        card = $("card-template").content.firstElementChild.cloneNode(true);
        card.dataset.node = node.key;
        for (const button of card.querySelectorAll("button[data-action]")) {
          button.addEventListener("click", () => control(card.dataset.node, button.dataset.action));
        }
        cards.appendChild(card);
      }
      const set = (field, text) => { card.querySelector(`[data-field="${field}"]`).textContent = text; };
      card.dataset.status = node.status;
      card.setAttribute("aria-label", `Node ${node.key}: ${node.status}`);
      set("id", node.key);
      set("url", node.url + (node.replicaId ? ` · replica ${short(node.replicaId)}` : ""));
      const pill = card.querySelector('[data-field="status"]');
      pill.textContent = node.status;
      pill.dataset.status = node.status;
      set("total", fmt(node.total));
      set("count", fmt(node.count));
      // Lag against the merged entries this page holds (at least what the dashboard merged), and only where a claim
      // can be made: the dashboard sends no lag for a node that is down, left, starting or of another cluster.
      let lag = "–";
      if (node.lag !== null && node.lag !== undefined && node.count !== null && node.count !== undefined) {
        const behind = mine - BigInt(node.count);
        const server = BigInt(node.lag);
        const worst = behind > server ? behind : server;
        lag = worst <= 0n ? "0 (up to date)" : fmt(worst) + " behind";
      }
      set("lag", lag);
      set("gossip", node.lastGossipAgoMs === null || node.lastGossipAgoMs === undefined ? "–" : (node.lastGossipAgoMs / 1000).toFixed(1) + " s ago");
      const g = node.reachable ? node.gossip : null;
      set("rates", g ? `${rate(g.messagesPerSecond, "msg/s")} · ${rate(g.bytesPerSecond, "B/s")}` : "–");
      set("merge", g && g.mergeMs !== null && g.mergeMs !== undefined ? g.mergeMs.toFixed(2) + " ms" : "–");
      set("phase", node.phase || "–");
      set("members", node.members === null || node.members === undefined ? "–" : String(node.members));
      set("detail", node.detail || "");
      card.classList.toggle("conflict", !!node.nameConflict);
      const c = update.controls;
      const running = node.process ? node.process === "running" : node.reachable;
      const button = (control) => card.querySelector(`[data-control="${control}"]`);
      const label = (control, text) => button(control).setAttribute("aria-label", `${text} ${node.key}`);
      button("leave").disabled = !c.remove || !node.reachable || node.status === "left" || node.status === "leaving";
      button("crash").disabled = !c.crash || !running;
      button("restart").disabled = !c.restart || running;
      const part = button("partition");
      part.textContent = node.partitioned ? "Heal" : "Partition";
      part.dataset.action = node.partitioned ? "heal" : "partition";
      part.disabled = !c.partition || (!node.reachable && !node.partitioned);
      label("leave", "Remove");
      label("crash", "Crash");
      label("restart", "Restart");
      label("partition", node.partitioned ? "Heal" : "Partition");
      for (const name of ["crash", "restart"]) {
        if (!c[name]) button(name).title = "Needs tally up";
      }
    }
    for (const card of [...cards.children]) {
      if (!seen.has(card.dataset.node)) card.remove();
    }
  }

  function renderNodeSelect(nodes) {
    const select = $("send-node");
    const keys = nodes.map((n) => n.key);
    if (select.dataset.keys === keys.join(",")) return;
    const current = select.value;
    select.replaceChildren(...keys.map((k) => new Option(k, k)));
    if (keys.includes(current)) select.value = current;
    select.dataset.keys = keys.join(",");
  }

  function renderTop(top) {
    let changed = false;
    const raise = (video, count) => {
      if (count > big(store.top[video] || "0")) {
        store.top[video] = count.toString();
        changed = true;
      }
    };
    for (const v of top) raise(v.videoId, BigInt(v.count));
    const mine = replicaCount(page.video);
    if (mine > 0n) raise(page.video, mine);
    if (changed) save();
    const rows = Object.entries(store.top)
      .map(([v, c]) => [v, BigInt(c)])
      .sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : a[0] < b[0] ? -1 : 1))
      .slice(0, 10);
    const body = $("top-videos").tBodies[0];
    // Rebuilt only when something changed, so keyboard focus on a row stays put between updates.
    const key = page.video + "|" + rows.map(([v, c]) => v + "=" + c).join(",");
    if (body.dataset.key === key) return;
    body.dataset.key = key;
    const focused = document.activeElement && body.contains(document.activeElement) ? document.activeElement.textContent : null;
    body.replaceChildren(...rows.map(([video, count]) => {
      const tr = document.createElement("tr");
      tr.dataset.video = video;
      if (video === page.video) tr.className = "selected";
      const name = document.createElement("td");
      // A button per row: the rows are reachable with Tab and chosen with Enter or Space.
      const pick = document.createElement("button");
      pick.type = "button";
      pick.className = "link";
      pick.textContent = video;
      pick.setAttribute("aria-label", `Show video ${video}`);
      if (video === page.video) pick.setAttribute("aria-current", "true");
      pick.addEventListener("click", () => selectVideo(video));
      name.append(pick);
      const value = document.createElement("td");
      value.className = "num";
      value.textContent = fmt(count);
      tr.append(name, value);
      tr.addEventListener("click", (e) => { if (e.target === tr || e.target.tagName === "TD") selectVideo(video); });
      return tr;
    }));
    // Keep keyboard focus on the row it was on across the rebuild.
    if (focused !== null) {
      const again = body.querySelector(`tr[data-video="${CSS.escape(focused)}"] button`);
      if (again) again.focus();
    }
    const list = $("video-list");
    const names = rows.map(([v]) => v).join(",");
    if (list.dataset.names !== names) {
      list.replaceChildren(...rows.map(([v]) => new Option(v)));
      list.dataset.names = names;
    }
  }

  function renderTimeline(events) {
    const key = events.length + ":" + (events[0] ? events[0].at + events[0].text : "");
    if (key === page.timelineKey) return;
    page.timelineKey = key;
    const list = $("timeline");
    if (events.length === 0) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = "Nothing yet: events appear when nodes join, leave, crash, restart, are partitioned or healed.";
      list.replaceChildren(li);
      return;
    }
    list.replaceChildren(...events.map((e) => {
      const li = document.createElement("li");
      li.dataset.kind = e.kind;
      const time = document.createElement("time");
      time.dateTime = new Date(e.at).toISOString();
      time.textContent = clock(e.at);
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = e.kind.replace("-", " ");
      const text = document.createElement("span");
      text.textContent = e.text;
      li.append(time, kind, text);
      return li;
    }));
  }

  // ---- Chart: history from the dashboard process, then live updates ----

  async function loadHistory() {
    const video = page.video;
    const range = page.range;
    try {
      const response = await fetch(`/api/history?video=${encodeURIComponent(video)}&seconds=${range}`);
      if (!response.ok || video !== page.video || range !== page.range) return;
      const body = await response.json();
      const series = new Map(Object.entries(body.nodes).map(([k, values]) => [k, values.map((v) => (v === null ? null : Number(v)))]));
      // Live points that arrived while the history loaded come after it.
      const newer = page.history.at.map((t, i) => [t, i]).filter(([t]) => t > (body.at.length ? body.at[body.at.length - 1] / 1000 : 0));
      const at = body.at.map((t) => t / 1000);
      for (const [t, i] of newer) {
        at.push(t);
        for (const [k, values] of page.history.series) {
          if (!series.has(k)) series.set(k, at.slice(0, -1).map(() => null));
          series.get(k).push(values[i]);
        }
        for (const [k, values] of series) if (values.length < at.length) values.push(null);
      }
      page.history = { at, series };
      page.historyFor = video;
      drawChart();
    } catch {
      // No history: the chart fills from the live updates.
    }
  }

  function appendChart(update) {
    const h = page.history;
    const t = update.at / 1000;
    if (h.at.length && t <= h.at[h.at.length - 1]) return;
    h.at.push(t);
    const byKey = new Map(update.nodes.map((n) => [n.key, n]));
    for (const key of byKey.keys()) {
      if (!h.series.has(key)) h.series.set(key, h.at.slice(0, -1).map(() => null));
    }
    for (const [key, values] of h.series) {
      const n = byKey.get(key);
      const live = n && n.reachable && !["down", "left", "foreign"].includes(n.status) && n.count !== null && n.count !== undefined;
      values.push(live ? Number(n.count) : null);
    }
    const from = t - page.range;
    while (h.at.length && h.at[0] < from) {
      h.at.shift();
      for (const values of h.series.values()) values.shift();
    }
    drawChart();
  }

  function resetChart() {
    page.history = { at: [], series: new Map() };
    drawChart();
  }

  const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

  // Whole counts only: ticks at 1, 2, 5, 10, 20, 50, ... never at 147.5.
  const COUNT_STEPS = [];
  for (let e = 0; e <= 17; e++) for (const m of [1, 2, 5]) COUNT_STEPS.push(m * 10 ** e);
  // Time ticks at round seconds and minutes, labelled HH:MM:SS (or HH:MM on long ranges).
  const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

  function drawChart() {
    const el = $("chart");
    const keys = [...page.history.series.keys()].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
    const data = [page.history.at, ...keys.map((k) => page.history.series.get(k))];
    // For tests and tools: how many points the chart holds and from when (Unix seconds).
    el.dataset.points = String(page.history.at.length);
    el.dataset.from = page.history.at.length ? String(page.history.at[0]) : "";
    if (typeof uPlot !== "undefined") {
      const scheme = keys.join(",") + "|" + css("--fg");
      if (scheme !== page.chartKeys || !page.chart) {
        if (page.chart) page.chart.destroy();
        const axis = { stroke: css("--muted"), grid: { stroke: css("--line"), width: 1 }, ticks: { stroke: css("--line"), width: 1 } };
        page.chart = new uPlot({
          width: Math.max(200, el.clientWidth),
          height: 240,
          legend: { show: false },
          cursor: { y: false },
          scales: {
            x: { time: true },
            y: { range: (u, min, max) => [0, Math.max(1, Math.ceil((max || 0) * 1.1))] },
          },
          axes: [
            { ...axis, space: 90, incrs: TIME_STEPS, values: (u, ticks) => ticks.map((t) => (page.range >= 900 ? clock(t * 1000).slice(0, 5) : clock(t * 1000))) },
            { ...axis, size: 80, incrs: COUNT_STEPS, values: (u, ticks) => ticks.map((t) => Number.isInteger(t) ? t.toLocaleString("en-US") : "") },
          ],
          series: [{}, ...keys.map((k, i) => ({ label: k, stroke: COLORS[i % COLORS.length], width: 2, points: { show: false } }))],
        }, data, el);
        page.chartKeys = scheme;
      } else {
        page.chart.setData(data);
      }
    }
    renderLegend(keys);
  }

  // The legend and the chart's text alternative: every node's count now (exact, from the latest update) and the
  // lowest in the range, in a table that screen readers read.
  function renderLegend(keys) {
    const latest = new Map((page.last ? page.last.nodes : []).map((n) => [n.key, n]));
    const body = $("chart-legend").tBodies[0];
    const rows = keys.map((k, i) => {
      const values = page.history.series.get(k).filter((v) => v !== null);
      const n = latest.get(k);
      const now = n && n.reachable && n.count !== null && n.count !== undefined && !["down", "left", "foreign"].includes(n.status) ? fmt(n.count) : "no answer";
      const low = values.length ? Math.min(...values).toLocaleString("en-US") : "–";
      return { k, i, now, low };
    });
    const text = rows.map((r) => `${r.k} ${r.now}`).join(", ");
    const label = `Count of ${page.video} per node over the last ${rangeText()}: ${text || "no data yet"}.`;
    $("chart").setAttribute("aria-label", label);
    const summary = `Count of ${page.video} over the last ${rangeText()}` +
      (page.history.at.length ? `, ${clock(page.history.at[0] * 1000)} to ${clock(page.history.at[page.history.at.length - 1] * 1000)}` : "");
    if ($("chart-summary").textContent !== summary) $("chart-summary").textContent = summary;
    const key = rows.map((r) => `${r.k}=${r.now}/${r.low}`).join(",");
    if (body.dataset.key === key) return;
    body.dataset.key = key;
    body.replaceChildren(...rows.map((r) => {
      const tr = document.createElement("tr");
      tr.dataset.node = r.k;
      const name = document.createElement("td");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = COLORS[r.i % COLORS.length];
      swatch.setAttribute("aria-hidden", "true");
      name.append(swatch, r.k);
      const now = document.createElement("td");
      now.className = "num";
      now.dataset.field = "now";
      now.textContent = r.now;
      const low = document.createElement("td");
      low.className = "num";
      low.textContent = r.low;
      tr.append(name, now, low);
      return tr;
    }));
  }

  const rangeText = () => $("chart-range").selectedOptions[0].textContent;

  // ---- Random test and time to converge ----

  function checkConvergence(update) {
    const r = page.random;
    if (!r || r.doneAt || r.video !== update.videoId) return;
    const live = update.nodes.filter((n) => !["down", "left", "starting", "foreign"].includes(n.status));
    const waiting = live.filter((n) => big(n.count || "0") < r.expected).map((n) => n.key);
    if (live.length > 0 && waiting.length === 0) {
      r.doneAt = performance.now();
      const el = $("random-converged");
      el.dataset.converged = "true";
      el.textContent = `Converged: all ${live.length} live nodes reached ${fmt(r.expected)} in ${((r.doneAt - r.sentAt) / 1000).toFixed(2)} s.`;
    } else {
      $("random-converged").textContent = `Waiting for ${waiting.join(", ")} to reach ${fmt(r.expected)}…`;
    }
  }

  async function randomTest() {
    const button = $("random-test");
    button.disabled = true;
    $("random-converged").textContent = "";
    delete $("random-converged").dataset.converged;
    try {
      const { ok, body } = await post("/api/random-test", { videoId: page.video });
      if (!ok) {
        showError("random-sent", body);
        return;
      }
      const sent = body.sends.filter((s) => s.total !== null);
      const failed = body.sends.filter((s) => s.total === null);
      $("random-sent").classList.remove("error");
      $("random-sent").textContent = `Sent ${fmt(body.sent)} views of ${body.videoId}: ` +
        sent.map((s) => `${s.node} +${s.amount}`).join(", ") +
        (failed.length ? `; failed: ${failed.map((s) => `${s.node} (${s.status})`).join(", ")}` : "");
      $("random-expected").textContent = fmt(body.expected);
      page.random = { video: body.videoId, expected: BigInt(body.expected), sentAt: performance.now(), doneAt: null };
      if (page.last) checkConvergence(page.last);
    } finally {
      button.disabled = false;
    }
  }

  // ---- Form and controls ----

  async function sendViews(event) {
    event.preventDefault();
    const amountText = $("send-amount").value.trim();
    const video = $("send-video").value.trim();
    const node = $("send-node").value;
    const errors = [];
    const amount = Number(amountText);
    if (!/^\d+$/.test(amountText) || !Number.isInteger(amount) || amount < 1 || amount > AMOUNT_MAX) {
      errors.push(`Views: a whole number from 1 to ${fmt(AMOUNT_MAX)}.`);
    }
    if (!VIDEO_ID.test(video)) errors.push("Video: 1-128 characters from A-Z a-z 0-9 . _ ~ : -, starting with a letter or digit.");
    if (!node) errors.push("Node: pick a node.");
    const result = $("send-result");
    $("send-show").hidden = true;
    if (errors.length) {
      result.className = "result error";
      result.textContent = errors.join("\n");
      return;
    }
    result.className = "result";
    result.textContent = "sending…";
    const w = $("send-level").value;
    const { ok, status, body, text } = await post("/api/views", { node, videoId: video, amount, w });
    if (ok) {
      // The page stays on its video; sending views of another one says so and offers to switch.
      const other = video !== page.video ? `\nSent to video ${video}; this page still shows ${page.video}.` : "";
      const holders = body.acknowledgedBy || [];
      const acked = `acknowledged by ${holders.length} replica${holders.length === 1 ? "" : "s"} (w=${w}): ${holders.join(", ")}`;
      result.textContent = `${body.nodeId} answered: total ${fmt(body.total)}, count ${fmt(body.count)}, ${acked}${other}\n${text}`;
      if (other) {
        const show = $("send-show");
        show.textContent = `Show ${video}`;
        show.dataset.video = video;
        show.hidden = false;
      }
    } else if (status === 504 && body && body.counted) {
      // Counted on the node's disk, not yet on enough others: indeterminate, never "not counted".
      result.className = "result warning";
      result.textContent = `Counted locally, not yet confirmed: ${body.acknowledged} of the ${body.required} replicas ` +
        `w=${w} needs acknowledged in time (${(body.acknowledgedBy || []).join(", ")}). The views are counted on ${node} ` +
        `and keep spreading; do not send them again.\n${text}`;
    } else {
      showError("send-result", body);
    }
  }

  const CONFIRM = {
    leave: (key) => [`Remove ${key} from the cluster? It hands its entries to a peer and exits; its views stay counted.`, `Remove ${key}`],
    crash: (key) => [`Crash ${key}? Its process is killed at once (kill -9), as in a power cut.`, `Crash ${key}`],
  };

  function confirmAction(text, ok) {
    const dialog = $("confirm");
    $("confirm-text").textContent = text;
    $("confirm-ok").textContent = ok;
    dialog.returnValue = "";
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
      dialog.showModal();
      $("confirm-cancel").focus();
    });
  }

  async function control(key, action) {
    if (CONFIRM[action]) {
      const [text, ok] = CONFIRM[action](key);
      if (!(await confirmAction(text, ok))) return;
    }
    const el = $("action-result");
    el.className = "result";
    el.textContent = `${action} ${key}…`;
    const { ok, body } = await post(`/api/nodes/${encodeURIComponent(key)}/${action}`, null);
    if (ok) el.textContent = `${action} ${key}: done`;
    else showError("action-result", body);
  }

  async function addNode() {
    const el = $("action-result");
    el.className = "result";
    el.textContent = "adding a node…";
    const { ok, body } = await post("/api/nodes", null);
    if (ok) el.textContent = `added ${body.id} at ${body.url}; it is starting and joins through a running node`;
    else showError("action-result", body);
  }

  async function post(url, data) {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: data === null ? {} : { "Content-Type": "application/json" },
        body: data === null ? undefined : JSON.stringify(data),
      });
      const text = await response.text();
      let body;
      try {
        body = text ? JSON.parse(text, exact) : {};
      } catch {
        body = { title: text };
      }
      return { ok: response.ok, status: response.status, body, text };
    } catch (e) {
      return { ok: false, body: { title: "The dashboard did not answer", detail: String(e) } };
    }
  }

  // A node's answer passes through unchanged, and its count may exceed 2^53: such a number is read from its source
  // text as a BigInt (where the browser gives the reviver the source), so it is shown exactly.
  function exact(key, value, context) {
    return typeof value === "number" && !Number.isSafeInteger(value) && context && /^\d+$/.test(context.source)
      ? BigInt(context.source)
      : value;
  }

  // Shows a ProblemDetails reply: title, detail and per-field errors.
  function showError(id, problem) {
    const lines = [problem.title || "Error", problem.detail].filter(Boolean);
    for (const [field, messages] of Object.entries(problem.errors || {})) lines.push(`${field}: ${[].concat(messages).join(" ")}`);
    const el = $(id);
    el.className = "result error";
    el.textContent = lines.join("\n");
  }

  function selectVideo(video, fromHistory) {
    if (!VIDEO_ID.test(video)) {
      $("video-input").setCustomValidity("1-128 characters from A-Z a-z 0-9 . _ ~ : -, starting with a letter or digit");
      $("video-input").reportValidity();
      return;
    }
    $("video-input").setCustomValidity("");
    const changed = video !== page.video;
    page.video = video;
    localStorage.setItem(VIDEO_KEY, video);
    if (!fromHistory && (changed || new URLSearchParams(location.search).get("video") !== video)) {
      history.pushState({ video }, "", "?video=" + encodeURIComponent(video));
    }
    $("video-input").value = video;
    $("send-video").value = video;
    $("send-show").hidden = true;
    page.random = null;
    $("random-converged").textContent = "";
    resetChart();
    renderHeadline();
    connect();
    loadHistory();
  }

  // ---- Start ----

  $("video-form").addEventListener("submit", (e) => { e.preventDefault(); selectVideo($("video-input").value.trim()); });
  $("send-form").addEventListener("submit", sendViews);
  $("send-show").addEventListener("click", () => selectVideo($("send-show").dataset.video));
  $("random-test").addEventListener("click", randomTest);
  $("add-node").addEventListener("click", addNode);
  $("reset-page").addEventListener("click", resetPage);
  $("chart-range").value = String(page.range);
  if ($("chart-range").value !== String(page.range)) page.range = Number($("chart-range").value);
  $("chart-range").addEventListener("change", () => {
    page.range = Number($("chart-range").value);
    localStorage.setItem(RANGE_KEY, String(page.range));
    page.chartKeys = "";
    resetChart();
    loadHistory();
  });
  window.addEventListener("popstate", () => {
    const v = validVideo(new URLSearchParams(location.search).get("video"));
    if (v && v !== page.video) selectVideo(v, true);
  });
  new ResizeObserver(() => {
    if (page.chart) page.chart.setSize({ width: Math.max(200, $("chart").clientWidth), height: 240 });
  }).observe($("chart"));
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => { page.chartKeys = ""; drawChart(); });

  if (params.get("video") !== page.video) history.replaceState({ video: page.video }, "", "?video=" + encodeURIComponent(page.video));
  $("video-input").value = page.video;
  $("send-video").value = page.video;
  renderHeadline();
  renderTop([]);
  renderTimeline([]);
  connect();
  loadHistory();
})();
