//! The few browser APIs the app needs beyond Leptos: local storage, a random key, the
//! network state, persistent storage, and Web Locks (one tab owns a draft).
//!
//! On the server (SSR) these are inert: storage is empty, the network is "online", and
//! every tab owns its draft. Only the `hydrate` build talks to the browser.

/// Reads a local-storage value.
pub fn local_get(key: &str) -> Option<String> {
    imp::local_get(key)
}

/// Writes a local-storage value; returns false when storage is full or unavailable.
pub fn local_set(key: &str, value: &str) -> bool {
    imp::local_set(key, value)
}

pub fn local_remove(key: &str) {
    imp::local_remove(key);
}

/// A fresh random key (a UUID from the browser's CSPRNG).
pub fn random_key() -> String {
    imp::random_key()
}

/// Whether the browser believes it is online.
pub fn online() -> bool {
    imp::online()
}

/// Milliseconds since the epoch (browser clock; for ordering local copies only).
pub fn now_ms() -> f64 {
    imp::now_ms()
}

/// Asks the browser not to evict this site's storage under pressure.
pub fn request_persistent_storage() {
    imp::request_persistent_storage();
}

/// Tries to take the exclusive Web Lock `name` for as long as the page lives and calls
/// `done(true)` when this tab holds it, `done(false)` when another tab does.
pub fn hold_lock(name: &str, done: impl FnOnce(bool) + 'static) {
    imp::hold_lock(name, done);
}

#[cfg(feature = "hydrate")]
mod imp {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    pub fn local_get(key: &str) -> Option<String> {
        storage()?.get_item(key).ok()?
    }

    pub fn local_set(key: &str, value: &str) -> bool {
        storage().is_some_and(|s| s.set_item(key, value).is_ok())
    }

    pub fn local_remove(key: &str) {
        if let Some(s) = storage() {
            let _ = s.remove_item(key);
        }
    }

    fn call0(target: &JsValue, method: &str) -> Option<JsValue> {
        let f = js_sys::Reflect::get(target, &JsValue::from_str(method)).ok()?.dyn_into::<js_sys::Function>().ok()?;
        f.call0(target).ok()
    }

    pub fn random_key() -> String {
        let crypto = web_sys::window().and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("crypto")).ok());
        crypto.and_then(|c| call0(&c, "randomUUID")).and_then(|v| v.as_string()).unwrap_or_else(|| {
            // Secure contexts always have randomUUID; this fallback only keeps keys unique.
            format!("k{:x}{:x}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e16) as u64)
        })
    }

    pub fn online() -> bool {
        web_sys::window().is_none_or(|w| w.navigator().on_line())
    }

    pub fn now_ms() -> f64 {
        js_sys::Date::now()
    }

    pub fn request_persistent_storage() {
        let Some(w) = web_sys::window() else { return };
        if let Ok(storage) = js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("storage")) {
            if !storage.is_undefined() {
                let _ = call0(&storage, "persist");
            }
        }
    }

    pub fn hold_lock(name: &str, done: impl FnOnce(bool) + 'static) {
        let Some(w) = web_sys::window() else { return done(true) };
        let locks = js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("locks")).unwrap_or(JsValue::UNDEFINED);
        let request = js_sys::Reflect::get(&locks, &JsValue::from_str("request"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        let Some(request) = request else {
            // No Web Locks (very old browsers): behave as the only tab.
            return done(true);
        };
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str("ifAvailable"), &JsValue::TRUE);
        let callback = Closure::once_into_js(move |lock: JsValue| -> js_sys::Promise {
            let held = !lock.is_null();
            done(held);
            if held {
                // Never resolves: the lock is released when the page goes away.
                js_sys::Promise::new(&mut |_, _| {})
            } else {
                js_sys::Promise::resolve(&JsValue::UNDEFINED)
            }
        });
        let _ = request.call3(&locks, &JsValue::from_str(name), &options, &callback);
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    pub fn local_get(_key: &str) -> Option<String> {
        None
    }
    pub fn local_set(_key: &str, _value: &str) -> bool {
        false
    }
    pub fn local_remove(_key: &str) {}
    pub fn random_key() -> String {
        String::new()
    }
    pub fn online() -> bool {
        true
    }
    pub fn now_ms() -> f64 {
        0.0
    }
    pub fn request_persistent_storage() {}
    pub fn hold_lock(_name: &str, done: impl FnOnce(bool) + 'static) {
        done(true);
    }
}
