// Tally dashboard page. Data arrives by Server-Sent Events from /api/events (about 4 updates a second); actions are
// POSTs to /api/... which the dashboard's backend forwards to the nodes.
"use strict";

(() => {
  const VIDEO_ID = /^[A-Za-z0-9][A-Za-z0-9._~:-]{0,127}$/;
  const AMOUNT_MAX = 1000000;
  const CHART_POINTS = 480; // two minutes at 4 updates a second
  const COLORS = ["#2f6fde", "#1f8a4c", "#c53030", "#b7791f", "#7b3fc4", "#0f8b8d", "#d53f8c", "#4a5568", "#dd6b20", "#2c5282"];
  const REPLICA_KEY = "tally.replica.v1";
  const TOP_KEY = "tally.top.v1";
  const VIDEO_KEY = "tally.video";

  const $ = (id) => document.getElementById(id);
  const fmt = (n) => (n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US"));

  const page = {
    video: localStorage.getItem(VIDEO_KEY) || "demo",
    source: null,
    retry: null,
    last: null,
    random: null,
    chart: null,
    chartKeys: "",
    chartData: [[]],
    chartSeries: [],
  };

  // ---- The browser replica: per video, the G-Counter entries seen so far, merged by per-replica max. ----

  function readJson(key) {
    try {
      const value = JSON.parse(localStorage.getItem(key) || "{}");
      return value && typeof value === "object" ? value : {};
    } catch {
      return {};
    }
  }

  const replica = readJson(REPLICA_KEY);
  const topSeen = readJson(TOP_KEY);

  function mergeEntries(video, entries) {
    const mine = replica[video] || (replica[video] = {});
    let changed = false;
    for (const [id, value] of Object.entries(entries || {})) {
      if (typeof value === "number" && value > (mine[id] || 0)) {
        mine[id] = value;
        changed = true;
      }
    }
    return changed;
  }

  const replicaCount = (video) => Object.values(replica[video] || {}).reduce((a, b) => a + b, 0);

  function save(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch {
      // Storage full or disabled: the page still works, it just forgets on reload.
    }
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
    page.last = update;
    let changed = false;
    for (const node of update.nodes) {
      if (node.replicas) changed = mergeEntries(update.videoId, node.replicas) || changed;
    }
    if (changed) save(REPLICA_KEY, replica);
    renderMode(update);
    renderHeadline();
    renderCards(update);
    renderNodeSelect(update.nodes);
    renderTop(update.top);
    renderChart(update);
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
  }

  function renderHeadline() {
    $("video-name").textContent = page.video;
    $("replica-count").textContent = fmt(replicaCount(page.video));
  }

  function renderCards(update) {
    const cards = $("cards");
    const seen = new Set();
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
      set("id", node.id || "?");
      set("url", node.url);
      const pill = card.querySelector('[data-field="status"]');
      pill.textContent = node.status;
      pill.dataset.status = node.status;
      set("total", fmt(node.total));
      set("count", fmt(node.count));
      set("lag", node.lag === null || node.lag === undefined ? "–" : node.lag === 0 ? "0 (up to date)" : fmt(node.lag) + " behind");
      set("gossip", node.lastGossipAgoMs === null || node.lastGossipAgoMs === undefined ? "–" : (node.lastGossipAgoMs / 1000).toFixed(1) + " s ago");
      set("detail", node.detail || "");
      const c = update.controls;
      const running = node.process ? node.process === "running" : node.reachable;
      const button = (control) => card.querySelector(`[data-control="${control}"]`);
      button("leave").disabled = !c.remove || !node.reachable || node.status === "left";
      button("crash").disabled = !c.crash || !running;
      button("restart").disabled = !c.restart || running;
      const part = button("partition");
      part.textContent = node.partitioned ? "Heal" : "Partition";
      part.dataset.action = node.partitioned ? "heal" : "partition";
      part.disabled = !c.partition || (!node.reachable && !node.partitioned);
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
    for (const v of top) topSeen[v.videoId] = Math.max(topSeen[v.videoId] || 0, v.count);
    const mine = replicaCount(page.video);
    if (mine > 0) topSeen[page.video] = Math.max(topSeen[page.video] || 0, mine);
    const rows = Object.entries(topSeen).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
    const body = $("top-videos").tBodies[0];
    body.replaceChildren(...rows.map(([video, count]) => {
      const tr = document.createElement("tr");
      tr.dataset.video = video;
      if (video === page.video) tr.className = "selected";
      const name = document.createElement("td");
      name.textContent = video;
      const value = document.createElement("td");
      value.className = "num";
      value.textContent = fmt(count);
      tr.append(name, value);
      tr.addEventListener("click", () => selectVideo(video));
      return tr;
    }));
    const list = $("video-list");
    const names = rows.map(([v]) => v).join(",");
    if (list.dataset.names !== names) {
      list.replaceChildren(...rows.map(([v]) => new Option(v)));
      list.dataset.names = names;
    }
    save(TOP_KEY, topSeen);
  }

  function renderChart(update) {
    if (typeof uPlot === "undefined") return;
    const keys = update.nodes.map((n) => n.key);
    if (keys.join(",") !== page.chartKeys) {
      // A node came or went: carry the history over to a chart with the new series.
      const old = page.chartSeries;
      const xs = page.chartData[0];
      page.chartData = [xs, ...keys.map((k) => {
        const i = old.indexOf(k);
        return i >= 0 ? page.chartData[i + 1] : xs.map(() => null);
      })];
      page.chartSeries = keys;
      page.chartKeys = keys.join(",");
      createChart();
    }
    const byKey = new Map(update.nodes.map((n) => [n.key, n]));
    page.chartData[0].push(update.at / 1000);
    page.chartSeries.forEach((k, i) => {
      const n = byKey.get(k);
      page.chartData[i + 1].push(n && n.reachable && n.count !== null && n.count !== undefined ? n.count : null);
    });
    if (page.chartData[0].length > CHART_POINTS) page.chartData.forEach((s) => s.shift());
    page.chart.setData(page.chartData);
  }

  function createChart() {
    const el = $("chart");
    if (page.chart) page.chart.destroy();
    const opts = {
      width: Math.max(200, el.clientWidth),
      height: 240,
      scales: { x: { time: true } },
      axes: [{}, { size: 70 }],
      series: [{}, ...page.chartSeries.map((k, i) => ({ label: k, stroke: COLORS[i % COLORS.length], width: 2, points: { show: false } }))],
    };
    page.chart = new uPlot(opts, page.chartData, el);
  }

  function resetChart() {
    page.chartData = [[], ...page.chartSeries.map(() => [])];
    if (page.chart) page.chart.setData(page.chartData);
  }

  // ---- Random test and time to converge ----

  function checkConvergence(update) {
    const r = page.random;
    if (!r || r.doneAt || r.video !== update.videoId) return;
    const live = update.nodes.filter((n) => n.status !== "down" && n.status !== "left");
    const waiting = live.filter((n) => (n.count || 0) < r.expected).map((n) => n.key);
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
      page.random = { video: body.videoId, expected: body.expected, sentAt: performance.now(), doneAt: null };
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
    if (errors.length) {
      result.className = "result error";
      result.textContent = errors.join("\n");
      return;
    }
    result.className = "result";
    result.textContent = "sending…";
    const { ok, body } = await post("/api/views", { node, videoId: video, amount });
    if (ok) {
      result.textContent = `${body.nodeId} answered: total ${fmt(body.total)}, count ${fmt(body.count)}\n${JSON.stringify(body)}`;
      if (video !== page.video) selectVideo(video);
    } else {
      showError("send-result", body);
    }
  }

  async function control(key, action) {
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
    if (ok) el.textContent = `added ${body.id} at ${body.url}; it joins through a running node`;
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
        body = text ? JSON.parse(text) : {};
      } catch {
        body = { title: text };
      }
      return { ok: response.ok, body };
    } catch (e) {
      return { ok: false, body: { title: "The dashboard did not answer", detail: String(e) } };
    }
  }

  // Shows a ProblemDetails reply: title, detail and per-field errors.
  function showError(id, problem) {
    const lines = [problem.title || "Error", problem.detail].filter(Boolean);
    for (const [field, messages] of Object.entries(problem.errors || {})) lines.push(`${field}: ${[].concat(messages).join(" ")}`);
    const el = $(id);
    el.className = "result error";
    el.textContent = lines.join("\n");
  }

  function selectVideo(video) {
    if (!VIDEO_ID.test(video)) {
      $("video-input").setCustomValidity("1-128 characters from A-Z a-z 0-9 . _ ~ : -, starting with a letter or digit");
      $("video-input").reportValidity();
      return;
    }
    $("video-input").setCustomValidity("");
    page.video = video;
    localStorage.setItem(VIDEO_KEY, video);
    $("video-input").value = video;
    $("send-video").value = video;
    page.random = null;
    $("random-converged").textContent = "";
    resetChart();
    renderHeadline();
    connect();
  }

  // ---- Start ----

  $("video-form").addEventListener("submit", (e) => { e.preventDefault(); selectVideo($("video-input").value.trim()); });
  $("send-form").addEventListener("submit", sendViews);
  $("random-test").addEventListener("click", randomTest);
  $("add-node").addEventListener("click", addNode);
  new ResizeObserver(() => {
    if (page.chart) page.chart.setSize({ width: Math.max(200, $("chart").clientWidth), height: 240 });
  }).observe($("chart"));

  $("video-input").value = page.video;
  $("send-video").value = page.video;
  renderHeadline();
  connect();
})();
