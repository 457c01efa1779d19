//! Generates the `i18n` module from `locales/*.json` (leptos_i18n 0.6): keys are checked
//! at compile time, so a missing translation fails the build instead of the page.

use std::error::Error;
use std::path::PathBuf;

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");

    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
    // 简体中文 first: the default when neither a cookie nor the browser says otherwise.
    // `interpolate_display` lets `t_string!` fill values in (e.g. seconds to wait).
    let cfg = Config::new("zh")?.add_locale("en")?.parse_options(ParseOptions::default().interpolate_display(true));
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(out)?;
    Ok(())
}
