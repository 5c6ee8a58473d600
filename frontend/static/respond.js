// respond.js enhances the respondent pages; every page works without it. It adds:
// quick exit (button, or Escape three times) that leaves no history entry or draft;
// bigger text; one question per step with a progress bar; read-aloud; a draft kept on
// the device; and a submit that queues and retries while the signal is gone.
(function () {
  'use strict';
  var d = document, root = d.documentElement, ls = null;
  try { ls = window.localStorage; } catch (e) { /* storage blocked: work without it */ }
  root.classList.add('js');

  function get(k) { try { return JSON.parse(ls.getItem(k)); } catch (e) { return null; } }
  function put(k, v) { try { ls.setItem(k, JSON.stringify(v)); } catch (e) { /* full or blocked */ } }
  function del(k) { try { ls.removeItem(k); } catch (e) { /* blocked */ } }
  function $(s, el) { return (el || d).querySelector(s); }
  function $$(s, el) { return Array.prototype.slice.call((el || d).querySelectorAll(s)); }
  function clear(prefix) {
    try {
      for (var i = ls.length - 1; i >= 0; i--) {
        var k = ls.key(i);
        if (k.indexOf(prefix) === 0 && k !== 'chorus.bigger') ls.removeItem(k);
      }
    } catch (e) { /* blocked */ }
  }

  // Quick exit: replace this page (no history entry), forget drafts and queued answers.
  var exit = $('[data-quickexit]');
  function leave() {
    clear('chorus.');
    if (window.speechSynthesis) speechSynthesis.cancel();
    location.replace(exit ? exit.href : 'https://www.bbc.co.uk/weather');
  }
  if (exit) exit.addEventListener('click', function (e) { e.preventDefault(); leave(); });
  var escs = [];
  d.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape') return;
    var now = Date.now();
    escs = escs.filter(function (t) { return now - t < 1500; });
    escs.push(now);
    if (escs.length >= 3) leave();
  });
  // Moving between survey pages replaces the entry too, so Back after a quick exit
  // does not lead to the survey.
  d.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a[data-replace]');
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey || e.button) return;
    e.preventDefault();
    location.replace(a.href);
  });

  // Bigger text, remembered on this device.
  var big = $('[data-bigger]');
  if (get('chorus.bigger')) root.classList.add('bigger');
  if (big) {
    big.hidden = false;
    big.setAttribute('aria-pressed', String(root.classList.contains('bigger')));
    big.addEventListener('click', function () {
      var on = root.classList.toggle('bigger');
      big.setAttribute('aria-pressed', String(on));
      put('chorus.bigger', on);
    });
  }

  // The thank-you page: the answers are stored, so forget the drafts.
  var done = $('[data-done]');
  // Help by level: history gets the plain address (respondent_help.go).
  if (done && done.getAttribute('data-plain') && window.history && history.replaceState) {
    history.replaceState(null, '', done.getAttribute('data-plain'));
  }
  if (done) {
    clear('chorus.draft.' + done.getAttribute('data-done') + '.');
    clear('chorus.queue.' + done.getAttribute('data-done') + '.');
  }

  var form = d.getElementById('survey');
  if (!form) return;
  var ds = form.dataset, lang = form.elements.lang.value, sid = form.elements.submission_id;
  var draftKey = 'chorus.draft.' + ds.survey + '.' + ds.version;
  var queueKey = 'chorus.queue.' + ds.survey + '.' + ds.version;
  var qs = $$('.q', form), status = $('#status'), summary = $('#error-summary');
  var stepper = $('.stepper'), bar = $('progress', stepper), label = $('#step-label');
  var back = $('[data-back]', form), next = $('[data-next]', form), send = $('[data-send]', form);
  var intro = $('.intro'), cur = 0;

  function say(msg) { status.textContent = msg; }
  function byId(id) { return qs.filter(function (q) { return q.dataset.q === id; })[0]; }
  function values(el) {
    return $$('input,select,textarea', el).filter(function (i) {
      return (i.type !== 'radio' && i.type !== 'checkbox') || i.checked;
    }).map(function (i) { return i.value; }).filter(Boolean);
  }
  function shown(q) {
    var c = q.dataset.showIf, src = c && byId(c);
    if (!c) return true;
    if (!src || !shown(src)) return false;
    var want = q.dataset.showValues.split(' ');
    return values(src).some(function (v) { return want.indexOf(v) >= 0; });
  }

  // Steps: one per question, one per grid item.
  function steps() {
    var out = [];
    qs.forEach(function (q) {
      if (!shown(q)) return;
      var items = $$('.item', q);
      if (items.length) items.forEach(function (it, i) { out.push({ q: q, item: it, first: i === 0 }); });
      else out.push({ q: q, first: true });
    });
    return out;
  }
  function show(i, focus) {
    var list = steps();
    if (!list.length) return;
    cur = Math.max(0, Math.min(i, list.length - 1));
    var s = list[cur];
    qs.forEach(function (q) { q.hidden = q !== s.q; });
    $$('.item', s.q).forEach(function (it) { it.hidden = it !== s.item; });
    back.hidden = cur === 0;
    next.hidden = cur === list.length - 1;
    send.hidden = !next.hidden;
    intro.hidden = cur > 0;
    bar.max = list.length;
    bar.value = cur + 1;
    label.textContent = ds.tProgress.replace('{n}', cur + 1).replace('{total}', list.length);
    if (!focus) return;
    // From the top each time, so the header never hides the question.
    window.scrollTo(0, 0);
    var h = $(s.item && !s.first ? 'h3' : 'h2', s.item && !s.first ? s.item : s.q);
    h.tabIndex = -1; // headings take focus only when the script moves it there
    h.focus();
    save();
  }
  function stepOf(el) {
    var list = steps();
    for (var i = 0; i < list.length; i++) {
      if ((list[i].item || list[i].q).contains(el)) return i;
    }
    return 0;
  }

  // The draft: kept until sent, at most 2 hours from the first answer; noticed at the top.
  var draftMS = 2 * 36e5, since = 0, expired = false, note = d.getElementById('draft');
  function snapshot() {
    var out = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name.indexOf('q.') !== 0 || !el.value) return;
      if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) return;
      out.push([el.name, el.value]);
    });
    return out;
  }
  function save() {
    var a = snapshot();
    if (expired || !a.length) return forget();
    since = since || Date.now();
    if (old()) return expire();
    put(draftKey, { since: since, sid: sid.value, step: cur, a: a });
    note.hidden = false;
  }
  function old() { return Date.now() - since > draftMS; }
  function forget() { del(draftKey); since = 0; note.hidden = true; }
  function expire() { forget(); expired = true; }
  setInterval(function () { if (since && old()) expire(); }, 6e4);
  function restore(dr) {
    var want = {};
    dr.a.forEach(function (p) { (want[p[0]] = want[p[0]] || []).push(p[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      var v = want[el.name];
      if (!v) return;
      if (el.type === 'radio' || el.type === 'checkbox') el.checked = v.indexOf(el.value) >= 0;
      else el.value = v[0];
    });
    if (/^[0-9a-f]{32}$/.test(dr.sid)) sid.value = dr.sid;
  }

  // "Choose up to 5": undo the tick one too many and say why.
  function limit(t) {
    var q = t.closest('.q'), max = q && parseInt(q.dataset.max, 10);
    var note = q && $('.limit', q);
    if (!max) return;
    var n = $$('input[type=checkbox]:checked', q).filter(function (o) { return o.value !== 'prefer_not'; }).length;
    if (t.checked && n > max) {
      t.checked = false;
      if (!note) {
        note = d.createElement('p');
        note.className = 'field-error limit';
        note.setAttribute('role', 'status');
        $('.choices', q).insertAdjacentElement('afterend', note);
      }
      note.textContent = ds.tLimit.replace('{n}', max);
    } else if (note && n < max) {
      note.textContent = '';
    }
  }
  var askEmpty = $('#confirm-empty');
  form.addEventListener('change', function (e) {
    var t = e.target;
    // "I don't want to say" and the other answers of a multiple choice exclude each other.
    if (t.type === 'checkbox' && t.checked) {
      $$('input[type=checkbox]', t.closest('.q')).forEach(function (o) {
        if (o !== t && (o.value === 'prefer_not') !== (t.value === 'prefer_not')) o.checked = false;
      });
    }
    if (t.type === 'checkbox') limit(t);
    if (askEmpty && t.closest('.q')) askEmpty.hidden = true;
    if (t.closest('.q') && qs.some(function (q) { return q.dataset.showIf; })) show(cur, false);
    save();
  });
  form.addEventListener('input', save);

  // Read aloud with the device's own voice.
  if (window.speechSynthesis && window.SpeechSynthesisUtterance) {
    var readers = $$('.q', form).filter(function (q) { return !$('.item', q); }).concat($$('.item', form));
    readers.forEach(function (el) {
      var b = d.createElement('button'), head = $('h2,h3', el), at = head.parentNode.tagName === 'LEGEND' ? head.parentNode : head;
      b.type = 'button';
      b.className = 'secondary read';
      b.textContent = ds.tRead;
      at.parentNode.insertBefore(b, at.nextSibling);
      b.addEventListener('click', function () {
        var q = el.closest('.q'), parts = [];
        if (q !== el) parts.push($('h2', q).textContent);
        parts.push(head.textContent);
        $$('.hint:not(.cond)', q).forEach(function (h) { parts.push(h.textContent); });
        $$('label.choice', el).forEach(function (o) { parts.push(o.textContent); });
        var u = new SpeechSynthesisUtterance(parts.join('. '));
        u.lang = lang === 'cy' ? 'cy-GB' : 'en-GB';
        speechSynthesis.cancel();
        speechSynthesis.speak(u);
      });
    });
  }

  // Sending: the answers are queued on the device and sent again, with the same
  // submission id, until the server has them.
  var pending = null, inflight = false, tries = 0, timer = 0;
  function answers() {
    var a = {};
    qs.forEach(function (q) {
      if (!shown(q)) return;
      var id = q.dataset.q, kind = q.dataset.kind, vs = values(q);
      if (!vs.length) return;
      if (kind === 'grid') {
        a[id] = {};
        $$('input:checked', q).forEach(function (i) { a[id][i.name.slice(id.length + 3)] = i.value; });
      } else if (kind === 'multi') {
        a[id] = vs;
      } else if (kind === 'number') {
        a[id] = vs.indexOf('prefer_not') >= 0 ? 'prefer_not' : /^\s*-?\d+\s*$/.test(vs[0]) ? parseInt(vs[0], 10) : vs[0];
      } else {
        a[id] = vs[0];
      }
    });
    return a;
  }
  function native() { del(queueKey); pending = null; form.submit(); }
  function retry(msg, after) {
    tries++;
    var wait = Math.min(60, Math.pow(2, tries)) * (750 + Math.random() * 500), ra = parseInt(after, 10);
    if (ra > 0) wait = Math.max(wait, ra * 1000);
    say(msg);
    clearTimeout(timer);
    timer = setTimeout(trySend, wait);
  }
  function trySend() {
    if (!pending || inflight) return;
    inflight = true;
    send.disabled = true;
    say(ds.tSending);
    fetch('/api/v1/responses', {
      method: 'POST', credentials: 'omit', cache: 'no-store',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(pending)
    }).then(function (r) {
      inflight = false;
      if (r.status === 200 || r.status === 201) {
        return r.json().then(function (j) {
          del(queueKey);
          del(draftKey);
          // Help depends on the answers: post the form too (stored once), never an address.
          if (j.show_help) return form.submit();
          location.replace(ds.thanks + '?r=' + encodeURIComponent(j.receipt) + '&lang=' + lang);
        });
      }
      if ([429, 502, 503, 504].indexOf(r.status) >= 0) return retry(ds.tBusy, r.headers.get('Retry-After'));
      // 409, 422 and anything unexpected: the server's own page says what happened.
      native();
    }, function () {
      inflight = false;
      retry(ds.tOffline);
    });
  }
  window.addEventListener('online', function () {
    if (pending && !inflight) { tries = 0; clearTimeout(timer); trySend(); }
  });

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var anyway = e.submitter && e.submitter.name === 'confirm_empty';
    if (!next.hidden && !anyway) { show(cur + 1, true); return; } // Enter in a text box moves on
    // A group code typed again goes through the server's own form, which checks it.
    var code = form.elements.code, token = form.elements.token;
    if (!window.fetch || (code && code.value.trim())) { form.submit(); return; }
    var a = answers();
    // Nothing answered: ask first (as the server does without JavaScript).
    if (!Object.keys(a).length && !anyway) {
      askEmpty.hidden = false;
      window.scrollTo(0, 0);
      askEmpty.focus();
      say($('h2', askEmpty).textContent);
      return;
    }
    pending = { survey: ds.survey, version: ds.version, lang: lang, submission_id: sid.value, answers: a, token: token ? token.value : '' };
    put(queueKey, pending);
    save();
    tries = 0;
    trySend();
  });

  // Start: restore a draft or a queued submission, then show the first step.
  stepper.hidden = false;
  next.hidden = false;
  back.addEventListener('click', function () { show(cur - 1, true); });
  next.addEventListener('click', function () { show(cur + 1, true); });
  var dr = get(draftKey), start = 0;
  if (dr && !(Date.now() - dr.since <= draftMS)) { del(draftKey); dr = null; }
  if (summary) {
    // The server found problems: start at the first, and follow the summary's links.
    var first = $('[aria-invalid=true]', form);
    start = first ? stepOf(first) : 0;
    $$('a[href^="#"]', summary).forEach(function (a) {
      a.addEventListener('click', function (e) {
        var t = d.getElementById(a.getAttribute('href').slice(1));
        if (!t) return;
        e.preventDefault();
        show(stepOf(t), false);
        window.scrollTo(0, 0);
        t.focus();
      });
    });
  } else if (dr && dr.a && dr.a.length) {
    restore(dr);
    start = dr.step || 0;
    since = dr.since;
    note.hidden = false;
    say(ds.tRestored);
  }
  $('[data-clear]', note).addEventListener('click', function () {
    forget();
    form.reset();
    say('');
    show(0, true);
  });
  show(start, false);
  if (summary) summary.focus();
  pending = get(queueKey);
  if (pending) { show(steps().length - 1, false); trySend(); }
})();
