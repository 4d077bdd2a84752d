/* Checkout widget loader: the one script a merchant's page includes.

     <script src="https://shop.example/widget/checkout.js" data-target="#pay" data-order="demo-dz" async></script>

   or `CheckoutWidget.mount(target, options)`, or `<checkout-widget order="demo-dz">`. It loads
   the widget (wasm, its JavaScript glue, its CSS) once from beside itself, checking each file
   against the SRI hash the build wrote into it, and renders every widget in an open shadow root
   of a container it appends to the target. API, events and payloads: checkout.d.ts. */
(function () {
  'use strict';
  if (window.CheckoutWidget) return; // included twice: the first copy serves both

  // Captured now: `currentScript` is only set while this script runs for the first time.
  var script = document.currentScript;
  var base = new URL('.', (script && script.src) || location.href).href;

  // The build (scripts/integrity) puts the hashed file names and their SRI hashes here.
  var FILES_JSON = '__CHECKOUT_FILES__';

  var LANGS = ['en', 'fr', 'ar'];
  var THEMES = ['light', 'dark', 'auto'];
  var METHODS = ['yassir_cash', 'mobile_money'];
  var APPEARANCE = {
    colorPrimary: '--checkout-color-primary',
    colorBackground: '--checkout-color-background',
    colorText: '--checkout-color-text',
    colorMuted: '--checkout-color-muted',
    colorDanger: '--checkout-color-danger',
    colorSuccess: '--checkout-color-success',
    borderRadius: '--checkout-radius',
    fontFamily: '--checkout-font-family',
    spacingUnit: '--checkout-spacing'
  };
  var CALLBACKS = {
    ready: 'onReady',
    change: 'onChange',
    submit: 'onSubmit',
    requires_action: 'onRequiresAction',
    success: 'onSuccess',
    failure: 'onFailure',
    error: 'onError'
  };
  var OPTIONS = ['order', 'endpoint', 'methods', 'lang', 'theme', 'appearance', 'redirectOrigins'];
  var handles = new WeakMap();

  function fail(message) {
    throw new TypeError('CheckoutWidget: ' + message);
  }

  // A listener's exception is the page's bug: reported, without stopping the widget.
  function report(error) {
    setTimeout(function () {
      throw error;
    });
  }

  function deferred() {
    var d = { done: false };
    d.promise = new Promise(function (resolve, reject) {
      d.resolve = function (value) {
        d.done = true;
        resolve(value);
      };
      d.reject = function (error) {
        d.done = true;
        reject(error);
      };
    });
    // Marked as handled: a page that never awaits `result` gets no unhandled-rejection noise.
    d.promise['catch'](function () {});
    return d;
  }

  function namedError(name, message, code) {
    var error = new Error(message);
    error.name = name;
    if (code) error.code = code;
    return error;
  }

  function list(value, what) {
    if (typeof value === 'string') value = value.split(',');
    if (!Array.isArray(value)) fail('`' + what + '` must be an array of strings');
    return value
      .map(function (item) {
        if (typeof item !== 'string') fail('`' + what + '` must be an array of strings');
        return item.trim();
      })
      .filter(Boolean);
  }

  // Checks the options, throwing a TypeError that names the problem; answers a clean copy.
  function check(options) {
    if (!options || typeof options !== 'object') fail('options must be an object with at least `order`');
    var clean = {};
    Object.keys(options).forEach(function (key) {
      var value = options[key];
      if (value === undefined || value === null) return;
      if (/^on[A-Z]/.test(key)) {
        if (typeof value !== 'function') fail('`' + key + '` must be a function');
      } else if (OPTIONS.indexOf(key) < 0) {
        fail('unknown option `' + key + '`');
      }
      clean[key] = value;
    });
    var callbacks = Object.keys(CALLBACKS).map(function (type) {
      return CALLBACKS[type];
    });
    Object.keys(clean).forEach(function (key) {
      if (/^on[A-Z]/.test(key) && callbacks.indexOf(key) < 0) fail('unknown callback `' + key + '`');
    });
    if (typeof clean.order !== 'string' || !clean.order.trim()) {
      fail('`order` is required: the order reference or the signed order token to pay');
    }
    clean.order = clean.order.trim();
    if (clean.endpoint !== undefined && typeof clean.endpoint !== 'string') fail('`endpoint` must be a URL string');
    if (clean.methods !== undefined) {
      clean.methods = list(clean.methods, 'methods');
      clean.methods.forEach(function (method) {
        if (METHODS.indexOf(method) < 0) fail('unknown method "' + method + '": expected ' + METHODS.join(' or '));
      });
      if (!clean.methods.length) fail('`methods` must name at least one method');
    }
    if (clean.lang !== undefined) {
      var lang = String(clean.lang).split(/[-_]/)[0].toLowerCase();
      if (LANGS.indexOf(lang) < 0) fail('unknown lang "' + clean.lang + '": expected en, fr or ar');
      clean.lang = lang;
    }
    if (clean.theme !== undefined && THEMES.indexOf(clean.theme) < 0) {
      fail('unknown theme "' + clean.theme + '": expected light, dark or auto');
    }
    if (clean.appearance !== undefined) {
      if (typeof clean.appearance !== 'object') fail('`appearance` must be an object');
      Object.keys(clean.appearance).forEach(function (key) {
        if (!APPEARANCE[key]) fail('unknown appearance key `' + key + '`');
        var value = clean.appearance[key];
        if (value != null && typeof value !== 'string') fail('`appearance.' + key + '` must be a string');
      });
    }
    if (clean.redirectOrigins !== undefined) clean.redirectOrigins = list(clean.redirectOrigins, 'redirectOrigins');
    return clean;
  }

  function resolveTarget(target) {
    var element = target;
    if (typeof target === 'string') {
      try {
        element = document.querySelector(target);
      } catch (e) {
        fail('invalid target selector "' + target + '"');
      }
    }
    if (!(element instanceof Element)) fail('target not found: ' + String(target));
    return element;
  }

  // ---- loading the widget, once per page --------------------------------------------------

  // The build's files and their SRI hashes; none in a copy that was not built.
  var files = null;
  try {
    files = JSON.parse(FILES_JSON);
  } catch (e) {
    // not built: boot() says so
  }

  function url(name) {
    return new URL(name, base).href;
  }

  function fetchChecked(name) {
    return fetch(url(name), { integrity: files.integrity[name] || '' }).then(function (response) {
      if (!response.ok) throw new Error(name + ': HTTP ' + response.status);
      return response;
    });
  }

  var booting = null;

  function boot() {
    if (booting) return booting;
    if (!files) return Promise.reject(new Error('checkout.js was not built: run `scripts/build-widget`'));
    // The largest file first: the widget waits for it the longest.
    var wasm = fetchChecked(files.wasm).then(function (response) {
      return response.arrayBuffer();
    });
    var css = fetchChecked(files.css)
      .then(function (response) {
        return response.text();
      })
      .then(function (text) {
        var sheet = null;
        try {
          sheet = new CSSStyleSheet();
          sheet.replaceSync(text);
        } catch (e) {
          sheet = null; // no constructed stylesheets: a <style> per widget instead
        }
        return { text: text, sheet: sheet };
      });
    var glue = preloadModule(url(files.glue), files.integrity[files.glue]).then(function () {
      return import(url(files.glue));
    });
    // The whole module is here by the time its fetch answers (the SRI check reads all of it
    // first), and compiling it takes a few milliseconds (its functions compile lazily, on their
    // first call): it is compiled and instantiated at once, in the task that has both it and the
    // glue, rather than by promises of their own whose answers would wait behind whatever the
    // browser runs first. The CSS may still be on its way.
    var started = Promise.all([glue, wasm]).then(function (loaded) {
      try {
        loaded[0].initSync({ module: new WebAssembly.Module(loaded[1]) });
        return loaded[0];
      } catch (e) {
        // A browser that refuses to compile or instantiate a module this large on its main
        // thread says so with a RangeError; anything else (an invalid module, a trap while
        // starting) is the load's failure.
        if (!(e instanceof RangeError)) throw e;
      }
      return loaded[0]['default']({ module_or_path: loaded[1] }).then(function () {
        return loaded[0];
      });
    });
    booting = Promise.all([started, css]).then(function (loaded) {
      return { glue: loaded[0], css: loaded[1] };
    });
    booting['catch'](function () {
      booting = null; // a later widget tries again
    });
    return booting;
  }

  // A script tag that names its target brings a widget: its files and its order are asked for
  // before the rest of this script runs, since they are what that widget waits for. Its options
  // are checked once here (a mistake is reported when the widget mounts, and asks for nothing);
  // the order's answer waits for that widget.
  var scriptWidget = script && script.hasAttribute('data-target') ? script.getAttribute('data-target') : null;
  var scriptOptions = null;
  var scriptOrder = null;
  if (scriptWidget !== null) {
    boot();
    try {
      scriptOptions = check(attributeOptions(script, 'data-'));
    } catch (e) {
      // reported when the widget mounts
    }
    if (scriptOptions) scriptOrder = prefetch(scriptOptions);
  }

  // The widget's texts in French and in Arabic are files of their own (its wasm holds English
  // only), fetched once per page and language beside the wasm. Answers what to wait for before
  // the widget speaks `lang`: nothing, or a promise that settles once they are here (or failed
  // to come: the widget speaks English then, and the next widget asks again).
  var textsOf = {};
  var textsLoading = {};

  function loadTexts(lang) {
    if (!files || !files.texts || !files.texts[lang] || textsOf[lang]) return null;
    if (!textsLoading[lang]) {
      textsLoading[lang] = fetchChecked(files.texts[lang])
        .then(function (response) {
          return response.json();
        })
        .then(
          function (list) {
            textsOf[lang] = list;
          },
          function () {
            delete textsLoading[lang];
          }
        );
    }
    return textsLoading[lang];
  }

  // The language the widget speaks: `lang`, else the browser's first one it knows, as it picks.
  function langOf(options) {
    if (options.lang) return options.lang;
    var tags = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ''];
    for (var i = 0; i < tags.length; i++) {
      var primary = String(tags[i]).trim().split(/[-_]/)[0].toLowerCase();
      if (LANGS.indexOf(primary) >= 0) return primary;
    }
    return 'en';
  }

  // `import()` cannot check an SRI hash, but `<link rel=modulepreload integrity>` can, and the
  // import then takes the module it verified. Browsers without modulepreload skip the check.
  function preloadModule(href, hash) {
    return new Promise(function (resolve, reject) {
      var link = document.createElement('link');
      if (!hash || !link.relList || !link.relList.supports || !link.relList.supports('modulepreload')) return resolve();
      link.rel = 'modulepreload';
      link.crossOrigin = 'anonymous';
      link.integrity = hash;
      link.href = href;
      link.onload = function () {
        resolve();
      };
      link.onerror = function () {
        reject(new Error('the widget script failed to load or its integrity check failed'));
      };
      document.head.appendChild(link);
    });
  }

  // ---- a crash ------------------------------------------------------------------------------

  // A panic in the widget stops its wasm on the spot (the size build prints no message at all):
  // the page sees a WebAssembly.RuntimeError out of the widget's wasm or its glue (named in the
  // stack). Every widget of the page shares that wasm and none can be trusted after it: each
  // fires `error` with the code `widget_crashed` and where the wasm stopped
  // (`wasm-function[index]:0xoffset`, in this build's wasm), the short code a merchant reports.
  var onCrash = [];

  function crashSite(error) {
    if (!booting || typeof WebAssembly !== 'object' || !(error instanceof WebAssembly.RuntimeError)) return null;
    var stack = String(error.stack || '');
    if (stack.indexOf(files.wasm) < 0 && stack.indexOf(files.glue) < 0) return null;
    var site = /wasm-function\[\d+\](?::0x[0-9a-f]+)?/.exec(stack);
    return site ? site[0] : 'unknown';
  }

  function crashed(error) {
    var site = crashSite(error);
    if (site === null) return;
    onCrash.slice().forEach(function (listener) {
      listener(site);
    });
  }
  addEventListener('error', function (event) {
    crashed(event.error);
  });
  addEventListener('unhandledrejection', function (event) {
    crashed(event.reason);
  });

  // ---- one widget ---------------------------------------------------------------------------

  function paint(container, options) {
    container.setAttribute('data-theme', options.theme || 'light');
    var appearance = options.appearance || {};
    Object.keys(APPEARANCE).forEach(function (key) {
      if (appearance[key]) container.style.setProperty(APPEARANCE[key], appearance[key]);
      else container.style.removeProperty(APPEARANCE[key]);
    });
  }

  function forWasm(options) {
    var lang = langOf(options);
    var texts = {};
    if (textsOf[lang]) texts[lang] = textsOf[lang];
    return {
      order: options.order,
      endpoint: options.endpoint || '',
      lang: options.lang || null,
      methods: options.methods || null,
      redirectOrigins: options.redirectOrigins || null,
      texts: texts
    };
  }

  // `encodeURIComponent` plus the five characters it leaves alone that the widget escapes.
  function encode(value) {
    return encodeURIComponent(value).replace(/[!'()*]/g, function (c) {
      return '%' + c.charCodeAt(0).toString(16).toUpperCase();
    });
  }

  // The order, asked for at once rather than once the wasm runs: the round trip overlaps the
  // widget's download. The widget takes this answer when it would have asked the same URL. Its
  // body is read here too, while the wasm is on its way: `status` and `text`, once set, let the
  // widget's first render show the order instead of a loading frame.
  function prefetch(options) {
    var endpoint = (options.endpoint || '').trim().replace(/\/+$/, '');
    var href = endpoint + '/api/v1/checkout?order=' + encode(options.order);
    if (scriptOrder && scriptOrder.url === href) {
      var early = scriptOrder;
      scriptOrder = null;
      return early;
    }
    var checkout = { url: href };
    checkout.answer = fetch(href, { headers: { Accept: 'application/json' } }).then(function (response) {
      return response.text().then(function (text) {
        checkout.status = response.status;
        checkout.text = text;
        return { status: response.status, text: text };
      });
    });
    checkout.answer['catch'](function () {}); // reported by the widget, if it mounts
    return checkout;
  }

  // How long a widget whose files are here waits for its order's answer before it shows its
  // loading frame: a frame shown for less would only flash before the order replaces it, and the
  // first render that already has the order is the one render the shopper waits for.
  var ANSWER_WAIT_MS = 200;

  // Settles with `promise` or after `ms`, whichever comes first; never rejects.
  function within(promise, ms) {
    return new Promise(function (resolve) {
      setTimeout(resolve, ms);
      promise.then(resolve, resolve);
    });
  }

  function live(options) {
    return JSON.stringify([options.lang, options.methods, options.redirectOrigins]);
  }

  function create(host, options) {
    var container = document.createElement('div');
    container.setAttribute('data-checkout-widget-root', '');
    // Against page rules such as `* { display: none !important }`, which match this container:
    // the shadow root's `:host` rules win too (see widget.css).
    container.style.setProperty('display', 'block', 'important');
    var shadow = container.attachShadow({ mode: 'open' });
    paint(container, options);
    host.appendChild(container);

    var app = null;
    var alive = true;
    var generation = 0;
    var ready, result;
    var handle = {};

    function fresh() {
      ready = deferred();
      result = deferred();
      handle.ready = ready.promise;
      handle.result = result.promise;
    }

    // The one place the widget's page events become DOM events, callbacks and promise outcomes.
    function emit(type, detail) {
      if (!alive) return;
      if (type === 'ready') ready.resolve(detail);
      if ((type === 'success' || type === 'failure') && !result.done) {
        var outcome = { type: type };
        Object.keys(detail).forEach(function (key) {
          outcome[key] = detail[key];
        });
        result.resolve(outcome);
      }
      if (type === 'error' && !ready.done) {
        // Nothing can be paid: the order did not load.
        var error = namedError('CheckoutError', detail.message, detail.code);
        ready.reject(error);
        result.reject(error);
      }
      host.dispatchEvent(new CustomEvent(type, { detail: detail, bubbles: true, composed: true }));
      var callback = options[CALLBACKS[type]];
      if (callback) {
        try {
          callback(detail);
        } catch (e) {
          report(e);
        }
      }
    }

    function start() {
      var mine = ++generation;
      var checkout = prefetch(options);
      Promise.all([boot(), loadTexts(langOf(options))])
        .then(function (both) {
          return within(checkout.answer, ANSWER_WAIT_MS).then(function () {
            return both[0];
          });
        })
        .then(
          function (loaded) {
            if (!alive || mine !== generation) return;
            if (loaded.css.sheet && 'adoptedStyleSheets' in shadow) {
              shadow.adoptedStyleSheets = [loaded.css.sheet];
            } else {
              var style = document.createElement('style');
              style.textContent = loaded.css.text;
              shadow.appendChild(style);
            }
            var root = document.createElement('div');
            shadow.appendChild(root);
            app = loaded.glue.mount(root, forWasm(options), emit, checkout);
          },
          function (e) {
            if (alive && mine === generation) emit('error', { code: 'load_failed', message: e.message || String(e) });
          }
        );
    }

    function stop() {
      if (app) {
        app.unmount();
        app.free();
        app = null;
      }
      while (shadow.firstChild) shadow.removeChild(shadow.firstChild);
      var aborted = namedError('AbortError', 'The checkout widget was unmounted.');
      if (!ready.done) ready.reject(aborted);
      if (!result.done) result.reject(aborted);
    }

    handle.update = function (changes) {
      if (!alive) return;
      if (!changes || typeof changes !== 'object') fail('update() takes an object of options');
      var merged = {};
      Object.keys(options).forEach(function (key) {
        merged[key] = options[key];
      });
      Object.keys(changes).forEach(function (key) {
        merged[key] = changes[key];
      });
      var next = check(merged);
      var previous = options;
      options = next;
      paint(container, next);
      if (next.order !== previous.order || (next.endpoint || '') !== (previous.endpoint || '')) {
        // Another order or backend is another checkout.
        stop();
        fresh();
        start();
      } else if (app && live(next) !== live(previous)) {
        var texts = loadTexts(langOf(next));
        if (!texts) {
          app.update(forWasm(next));
        } else {
          texts.then(function () {
            if (app) app.update(forWasm(options)); // the options by then
          });
        }
      }
    };

    function crash(site) {
      onCrash.splice(onCrash.indexOf(crash), 1);
      app = null; // its wasm is stopped: nothing to unmount or free
      emit('error', { code: 'widget_crashed', message: 'The checkout widget crashed at ' + site + '.' });
    }
    onCrash.push(crash);

    handle.unmount = function () {
      if (!alive) return;
      if (onCrash.indexOf(crash) >= 0) onCrash.splice(onCrash.indexOf(crash), 1);
      stop();
      alive = false;
      container.remove();
      if (handles.get(host) === handle) handles['delete'](host);
    };

    fresh();
    handles.set(host, handle);
    start();
    return handle;
  }

  /** Renders a widget into `target` (an element or a CSS selector); see checkout.d.ts. */
  function mount(target, options) {
    var host = resolveTarget(target);
    var clean = check(options);
    var previous = handles.get(host);
    if (previous) previous.unmount();
    return create(host, clean);
  }

  // ---- declarative embeddings: the script tag and the custom element ----------------------

  function attributeOptions(element, prefix) {
    var get = function (name) {
      var value = element.getAttribute(prefix + name);
      return value && value.trim() ? value.trim() : undefined;
    };
    var param = function (name) {
      var key = get(name + '-param');
      return key ? new URL(location.href).searchParams.get(key) || undefined : undefined;
    };
    return {
      order: param('order') || get('order'),
      endpoint: get('endpoint'),
      methods: get('methods'),
      lang: param('lang') || get('lang'),
      theme: get('theme'),
      redirectOrigins: get('redirect-origins')
    };
  }

  function mountDeclared(target, element, prefix) {
    try {
      return mount(target, attributeOptions(element, prefix));
    } catch (e) {
      console.error(e);
      element.dispatchEvent(
        new CustomEvent('error', {
          detail: { code: 'invalid_options', message: e.message },
          bubbles: true,
          composed: true
        })
      );
      return null;
    }
  }

  function mountScriptWidget() {
    if (scriptWidget === null) return;
    var target = scriptWidget;
    scriptWidget = null;
    mountDeclared(target, script, 'data-');
    scriptOrder = null; // taken by that widget, or of no use to another later: it would be stale
  }

  // The script tag's own widget can start before the rest of the page is parsed when its target
  // is complete (the parser is past it: it does not hold this script) and its options are good
  // (a mistake is reported once the page is parsed, to listeners the page adds after the tag).
  function canMountEarly() {
    if (!scriptOptions) return false;
    try {
      var target = document.querySelector(scriptWidget);
      return !!target && !target.contains(script);
    } catch (e) {
      return false; // an invalid selector: reported once the page is parsed
    }
  }

  function mountDeclaredWidgets() {
    mountScriptWidget();
    var marked = document.querySelectorAll('[data-checkout-widget]');
    for (var i = 0; i < marked.length; i++) {
      if (!handles.has(marked[i])) mountDeclared(marked[i], marked[i], 'data-');
    }
  }

  window.CheckoutWidget = {
    mount: mount,
    /** The handle of the widget mounted in `target`, if any (script-tag widgets included). */
    get: function (target) {
      return handles.get(resolveTarget(target)) || null;
    }
  };

  if (window.customElements && !customElements.get('checkout-widget')) {
    customElements.define(
      'checkout-widget',
      class extends HTMLElement {
        static get observedAttributes() {
          return ['order', 'endpoint', 'methods', 'lang', 'theme', 'redirect-origins'];
        }

        constructor() {
          super();
          this._handle = null;
          this._ready = deferred();
          this._result = deferred();
          this._queued = false;
        }

        get ready() {
          return this._ready.promise;
        }

        get result() {
          return this._result.promise;
        }

        connectedCallback() {
          this._sync();
        }

        disconnectedCallback() {
          this._sync();
        }

        attributeChangedCallback() {
          if (this.isConnected) this._sync();
        }

        // Once per task, so attributes set right after the element is added are taken together
        // and a moved element keeps its widget.
        _sync() {
          var self = this;
          if (self._queued) return;
          self._queued = true;
          queueMicrotask(function () {
            self._queued = false;
            var current = self._handle;
            if (!self.isConnected) {
              if (current) current.unmount();
              self._handle = null;
              return;
            }
            var options = attributeOptions(self, '');
            if (current && self._order === options.order && self._endpoint === options.endpoint) {
              try {
                current.update(options);
              } catch (e) {
                console.error(e);
                self.dispatchEvent(
                  new CustomEvent('error', {
                    detail: { code: 'invalid_options', message: e.message },
                    bubbles: true,
                    composed: true
                  })
                );
              }
              return;
            }
            if (current) current.unmount();
            if (self._ready.done) self._ready = deferred();
            if (self._result.done) self._result = deferred();
            var ready = self._ready;
            var result = self._result;
            var handle = mountDeclared(self, self, '');
            self._handle = handle;
            self._order = options.order;
            self._endpoint = options.endpoint;
            if (!handle) {
              var error = namedError('TypeError', 'invalid <checkout-widget> attributes', 'invalid_options');
              ready.reject(error);
              result.reject(error);
              return;
            }
            handle.ready.then(ready.resolve, ready.reject);
            handle.result.then(result.resolve, result.reject);
          });
        }
      }
    );
  }

  if (document.readyState === 'loading') {
    if (canMountEarly()) mountScriptWidget();
    document.addEventListener('DOMContentLoaded', mountDeclaredWidgets);
  } else {
    mountDeclaredWidgets();
  }
})();
