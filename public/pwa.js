// Registers the service worker and asks it to keep the page just opened, so that the
// app opens offline after the first visit (the first page load happens before the
// worker controls the page, so it could not have cached it by itself).
(function () {
  if (!('serviceWorker' in navigator)) return;
  window.addEventListener('load', function () {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var worker = registration.active;
      if (worker && navigator.onLine) {
        worker.postMessage({ type: 'keep-page', url: location.pathname + location.search });
      }
    }).catch(function (err) {
      console.warn('service worker not registered', err);
    });
  });
})();
