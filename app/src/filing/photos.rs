//! Photo evidence for a work entry: taken or picked on the phone, shrunk to at most
//! 1280 px JPEG before upload (a phone photo of 3–5 MB becomes ~200 KB on a weak network),
//! stored by the server, referenced by id in the draft.

use leptos::prelude::*;

use super::form::use_form;
use super::MAX_PHOTOS_PER_ENTRY;
use crate::i18n::*;

#[component]
pub fn EntryPhotos(entry_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let form = use_form();
    let uploading = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let photos = {
        let entry_id = entry_id.clone();
        move || {
            form.draft
                .with(|d| d.entries.iter().find(|e| e.id == entry_id).map(|e| e.evidence.clone()).unwrap_or_default())
        }
    };
    let full = Signal::derive({
        let photos = photos.clone();
        move || photos().len() >= MAX_PHOTOS_PER_ENTRY
    });

    let on_file = {
        #[cfg(feature = "hydrate")]
        let entry_id = entry_id.clone();
        move |ev: leptos::ev::Event| {
            let _ = &ev;
            #[cfg(feature = "hydrate")]
            {
                use wasm_bindgen::JsCast;
                let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
                    return;
                };
                let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
                input.set_value("");
                let entry_id = entry_id.clone();
                uploading.set(true);
                failed.set(false);
                leptos::task::spawn_local(async move {
                    match upload::shrink_and_upload(file).await {
                        Ok(id) => form.edit(|d| {
                            if let Some(e) = d.entries.iter_mut().find(|e| e.id == entry_id) {
                                if e.evidence.len() < MAX_PHOTOS_PER_ENTRY && !e.evidence.contains(&id) {
                                    e.evidence.push(id);
                                }
                            }
                        }),
                        Err(message) => {
                            leptos::logging::warn!("photo upload failed: {message}");
                            failed.set(true);
                        }
                    }
                    uploading.set(false);
                });
            }
        }
    };

    view! {
        <div class="photos">
            {move || {
                photos()
                    .into_iter()
                    .map(|id| {
                        let remove = {
                            let (entry_id, id) = (entry_id.clone(), id.clone());
                            move |_| form.edit(|d| {
                                if let Some(e) = d.entries.iter_mut().find(|e| e.id == entry_id) {
                                    e.evidence.retain(|x| x != &id);
                                }
                            })
                        };
                        view! {
                            <span class="photo">
                                <img src=format!("/evidence/{id}") alt="" loading="lazy" />
                                <button class="photo-remove" aria-label="删除照片" on:click=remove disabled=move || !form.editable.get()>
                                    "×"
                                </button>
                            </span>
                        }
                    })
                    .collect_view()
            }}
            <label class="btn btn-ghost btn-small photo-add" class:disabled=move || full.get() || !form.editable.get()>
                {move || if uploading.get() { t_string!(i18n, filing_photo_uploading) } else { t_string!(i18n, filing_work_photo) }}
                <input
                    type="file"
                    accept="image/*"
                    capture="environment"
                    data-testid="entry-photo"
                    hidden
                    disabled=move || full.get() || uploading.get() || !form.editable.get()
                    on:change=on_file
                />
            </label>
            <Show when=move || failed.get()>
                <span class="field-message" role="alert">{t!(i18n, filing_photo_failed)}</span>
            </Show>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod upload {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    const MAX_SIDE: f64 = 1280.0;

    fn js_err(e: JsValue) -> String {
        e.as_string().unwrap_or_else(|| format!("{e:?}"))
    }

    /// Draws the photo at most 1280 px on its long side and encodes it as JPEG.
    async fn shrink(file: &web_sys::File) -> Result<web_sys::Blob, String> {
        let window = web_sys::window().ok_or("no window")?;
        let bitmap: web_sys::ImageBitmap =
            JsFuture::from(window.create_image_bitmap_with_blob(file).map_err(js_err)?).await.map_err(js_err)?.into();
        let (w, h) = (f64::from(bitmap.width()), f64::from(bitmap.height()));
        let scale = (MAX_SIDE / w.max(h)).min(1.0);
        let (tw, th) = ((w * scale).round().max(1.0), (h * scale).round().max(1.0));
        let document = window.document().ok_or("no document")?;
        let canvas: web_sys::HtmlCanvasElement =
            document.create_element("canvas").map_err(js_err)?.dyn_into().map_err(|_| "canvas")?;
        canvas.set_width(tw as u32);
        canvas.set_height(th as u32);
        let ctx: web_sys::CanvasRenderingContext2d =
            canvas.get_context("2d").map_err(js_err)?.ok_or("no 2d context")?.dyn_into().map_err(|_| "2d context")?;
        ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, tw, th).map_err(js_err)?;
        bitmap.close();
        let promise = js_sys::Promise::new(&mut |resolve, reject| {
            let callback = Closure::once_into_js(move |blob: JsValue| {
                if blob.is_null() {
                    let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("encode failed"));
                } else {
                    let _ = resolve.call1(&JsValue::NULL, &blob);
                }
            });
            let _ = canvas.to_blob_with_type_and_encoder_options(
                callback.unchecked_ref(),
                "image/jpeg",
                &JsValue::from_f64(0.82),
            );
        });
        Ok(JsFuture::from(promise).await.map_err(js_err)?.into())
    }

    /// Uploads the shrunk photo; returns the server's id for it.
    pub async fn shrink_and_upload(file: web_sys::File) -> Result<String, String> {
        let blob = shrink(&file).await?;
        let window = web_sys::window().ok_or("no window")?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&blob);
        let headers = web_sys::Headers::new().map_err(js_err)?;
        headers.set("content-type", "image/jpeg").map_err(js_err)?;
        init.set_headers(&headers);
        let response: web_sys::Response =
            JsFuture::from(window.fetch_with_str_and_init("/evidence", &init)).await.map_err(js_err)?.into();
        if !response.ok() {
            return Err(format!("HTTP {}", response.status()));
        }
        let json = JsFuture::from(response.json().map_err(js_err)?).await.map_err(js_err)?;
        js_sys::Reflect::get(&json, &JsValue::from_str("id"))
            .ok()
            .and_then(|v| v.as_string())
            .ok_or_else(|| "no id in answer".to_string())
    }
}
