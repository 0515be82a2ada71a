// jlvs status page: polls the admin API every 2 s and redraws. No build step, no dependencies.
(function () {
  'use strict';
  var PERIOD_MS = 2000;
  var HISTORY = 90;            // samples kept per service (3 minutes)
  var history = {};            // service id -> [{cps, pps}]
  var lastEventSeq = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function num(n) {
    if (n >= 1e9) { return (n / 1e9).toFixed(1) + 'G'; }
    if (n >= 1e6) { return (n / 1e6).toFixed(1) + 'M'; }
    if (n >= 1e4) { return (n / 1e3).toFixed(1) + 'K'; }
    return String(n);
  }

  function hms(d) {
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
  }

  function endpoint(address, port) {
    return address.indexOf(':') >= 0 ? '[' + address + ']:' + port : address + ':' + port;
  }

  function serviceTitle(s) {
    var k = s.service.key;
    if (k.fwmark !== undefined) {
      return 'FWM ' + k.fwmark + (k.family === 'INET6' ? ' IPv6' : '');
    }
    return k.protocol + ' ' + endpoint(k.address, k.port);
  }

  // ipvsadm's order of the scheduler flags (their bits)
  var FLAGS = ['SH_FALLBACK', 'MH_FALLBACK', 'FLAG_1', 'SH_PORT', 'MH_PORT', 'FLAG_2', 'FLAG_3'];

  /** What ipvsadm -Ln prints after the address: scheduler, (flags), persistent T, mask M, pe P, ops. */
  function schedulerLine(svc) {
    var line = svc.scheduler;
    var flags = FLAGS.filter(function (f) { return svc.flags.indexOf(f) >= 0; });
    if (flags.length > 0) {
      line += ' (' + flags.map(function (f) { return f.toLowerCase().replace('_', '-'); }).join(',') + ')';
    }
    if (svc.persistenceTimeout > 0) {
      line += ' persistent ' + svc.persistenceTimeout;
      // an IPv4 netmask (dotted) or an IPv6 prefix length, shown unless the whole address
      if (svc.netmask !== '255.255.255.255' && svc.netmask !== 128) {
        line += ' mask ' + svc.netmask;
      }
      if (svc.persistenceEngine) {
        line += ' pe ' + svc.persistenceEngine;
      }
    }
    if (svc.onePacket) {
      line += ' ops';
    }
    return line;
  }

  var METHODS = { MASQ: 'Masq', DROUTE: 'Route', TUNNEL: 'Tunnel', FULLNAT: 'FullNat', LOCAL: 'Local' };

  function record(id, rates) {
    var h = history[id] || (history[id] = []);
    h.push({ cps: rates.cps, pps: rates.inPps + rates.outPps });
    if (h.length > HISTORY) { h.shift(); }
  }

  function drawHistory(canvas, h) {
    var ctx = canvas.getContext('2d');
    var w = canvas.width, ht = canvas.height, pad = 4;
    ctx.clearRect(0, 0, w, ht);
    ctx.strokeStyle = '#eef1f5';
    ctx.lineWidth = 1;
    for (var g = 1; g < 4; g++) {
      var gy = Math.round(ht * g / 4) + 0.5;
      ctx.beginPath(); ctx.moveTo(0, gy); ctx.lineTo(w, gy); ctx.stroke();
    }
    if (!h || h.length < 2) { return; }
    var peaks = {};
    function line(field, color) {
      var max = 1;
      h.forEach(function (p) { max = Math.max(max, p[field]); });
      peaks[field] = max;
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      h.forEach(function (p, i) {
        var x = pad + (w - 2 * pad) * (i + HISTORY - h.length) / (HISTORY - 1);
        var y = ht - pad - (ht - 2 * pad) * p[field] / max;
        if (i === 0) { ctx.moveTo(x, y); } else { ctx.lineTo(x, y); }
      });
      ctx.stroke();
    }
    line('pps', '#e07b00');
    line('cps', '#2a6fdb');
    ctx.font = '10px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    ctx.fillStyle = '#2a6fdb';
    var label = 'conn/s \u2264' + num(peaks.cps);
    ctx.fillText(label, 4, 2);
    ctx.fillStyle = '#e07b00';
    ctx.fillText('pkt/s \u2264' + num(peaks.pps), 10 + ctx.measureText(label).width, 2);
  }

  function serverRow(r) {
    var s = r.server;
    var tr = el('tr', 'server' + (s.weight === 0 ? ' drained' : ''));
    tr.setAttribute('data-id', r.id);
    tr.appendChild(el('td', 'address', endpoint(s.address, s.port)));
    tr.appendChild(el('td', 'method', METHODS[s.method] || s.method));
    tr.appendChild(el('td', 'weight', String(s.weight)));
    tr.appendChild(el('td', 'active', String(r.activeConns)));
    tr.appendChild(el('td', 'inactive', String(r.inactiveConns)));
    tr.appendChild(el('td', 'cps', num(r.rates.cps)));
    tr.appendChild(el('td', 'pps', num(r.rates.inPps) + ' / ' + num(r.rates.outPps)));
    tr.appendChild(el('td', 'bps', num(r.rates.inBps) + ' / ' + num(r.rates.outBps)));
    return tr;
  }

  function serviceCard(s) {
    var sec = el('section', 'service');
    sec.setAttribute('data-id', s.id);
    var head = el('div', 'service-head');
    head.appendChild(el('h2', null, serviceTitle(s)));
    var sched = schedulerLine(s.service);
    head.appendChild(el('span', 'sched', sched));
    head.appendChild(el('span', 'rates', num(s.rates.cps) + ' conn/s \u00b7 ' +
      num(s.rates.inPps + s.rates.outPps) + ' pkt/s \u00b7 ' + num(s.stats.conns) + ' conns total'));
    sec.appendChild(head);

    var canvas = el('canvas', 'history');
    canvas.width = 260; canvas.height = 44;
    canvas.title = 'conn/s (blue) and pkt/s (orange), last ' + (HISTORY * PERIOD_MS / 1000) + ' s, each scaled to its peak';
    head.appendChild(canvas);

    var body = el('div', 'service-body');
    var table = el('table', 'servers');
    var hr = el('tr');
    ['Real server', 'Forward', 'Weight', 'ActiveConn', 'InActConn', 'CPS', 'PPS in/out', 'BPS in/out']
      .forEach(function (t) { hr.appendChild(el('th', null, t)); });
    var thead = el('thead'); thead.appendChild(hr); table.appendChild(thead);
    var tbody = el('tbody');
    s.realServers.forEach(function (r) { tbody.appendChild(serverRow(r)); });
    if (s.realServers.length === 0) {
      var empty = el('tr'); var td = el('td', 'empty', 'no real servers'); td.colSpan = 8;
      empty.appendChild(td); tbody.appendChild(empty);
    }
    table.appendChild(tbody);
    body.appendChild(table);
    sec.appendChild(body);
    drawHistory(canvas, history[s.id]);
    return sec;
  }

  function renderServices(services, stats) {
    var box = document.getElementById('services');
    var seen = {};
    services.forEach(function (s) { seen[s.id] = true; record(s.id, s.rates); });
    Object.keys(history).forEach(function (id) { if (!seen[id]) { delete history[id]; } });
    var frag = document.createDocumentFragment();
    services.forEach(function (s) { frag.appendChild(serviceCard(s)); });
    if (services.length === 0) { frag.appendChild(el('div', 'empty', 'No virtual services.')); }
    box.replaceChildren(frag);
    var servers = services.reduce(function (n, s) { return n + s.realServers.length; }, 0);
    document.getElementById('summary').textContent = services.length + ' services \u00b7 ' + servers +
      ' real servers \u00b7 ' + num(stats.rates.cps) + ' conn/s \u00b7 ' +
      num(stats.rates.inPps + stats.rates.outPps) + ' pkt/s \u00b7 ' + num(stats.stats.conns) + ' conns total';
  }

  function renderVrrp(instances) {
    var box = document.getElementById('vrrp');
    box.hidden = instances.length === 0;
    var frag = document.createDocumentFragment();
    instances.forEach(function (v) {
      var tr = el('tr', 'vrrp-instance state-' + v.state);
      tr.setAttribute('data-name', v.name);
      tr.appendChild(el('td', 'name', v.name));
      tr.appendChild(el('td', 'state', v.state));
      tr.appendChild(el('td', 'vrid', String(v.vrid)));
      tr.appendChild(el('td', 'interface', v.interface));
      tr.appendChild(el('td', 'priority', String(v.priority)));
      tr.appendChild(el('td', 'effective', String(v.effectivePriority)));
      tr.appendChild(el('td', 'master', v.master || '\u2013'));
      tr.appendChild(el('td', 'vips', v.virtualAddresses.map(function (a) {
        return a.address + '/' + a.prefixLength + (a.device !== v.interface ? ' dev ' + a.device : '');
      }).join(', ')));
      tr.appendChild(el('td', 'since', v.lastTransition ? hms(new Date(v.lastTransition)) : '\u2013'));
      tr.appendChild(el('td', 'adverts', num(v.counters.advertsSent) + ' / ' + num(v.counters.advertsReceived)));
      frag.appendChild(tr);
    });
    document.getElementById('vrrp-rows').replaceChildren(frag);
  }

  function renderEvents(events) {
    var list = document.getElementById('events');
    events.forEach(function (e) {
      var li = el('li', 'event');
      li.setAttribute('data-seq', e.seq);
      li.appendChild(el('span', 'time', hms(new Date(e.time))));
      li.appendChild(el('span', 'kind kind-' + e.kind, e.kind));
      li.appendChild(el('span', 'message', e.message));
      list.insertBefore(li, list.firstChild);
      lastEventSeq = Math.max(lastEventSeq, e.seq);
    });
    while (list.children.length > 200) { list.removeChild(list.lastChild); }
  }

  function getJson(url) {
    return fetch(url, { cache: 'no-store' }).then(function (r) {
      if (!r.ok) { throw new Error(url + ': HTTP ' + r.status); }
      return r.json();
    });
  }

  function refresh() {
    var updated = document.getElementById('updated');
    Promise.all([getJson('/api/v1/services'), getJson('/api/v1/stats'),
                 getJson('/api/v1/events?after=' + lastEventSeq), getJson('/api/v1/vrrp')])
      .then(function (res) {
        renderServices(res[0].services, res[1]);
        renderEvents(res[2].events);
        renderVrrp(res[3].instances);
        updated.className = 'updated';
        updated.textContent = 'updated ' + hms(new Date());
      })
      .catch(function (err) {
        updated.className = 'updated stale';
        updated.textContent = 'not updating: ' + err.message;
      })
      .then(function () { setTimeout(refresh, PERIOD_MS); });
  }

  refresh();
}());
