//! A campaign's QR code as SVG (for the poster and for print shops) and as PNG (for
//! chat groups and slides).
//!
//! The PNG is drawn here from the code's module matrix into the `png` encoder rather than
//! through the `image` crate, which would pull in a dozen decoders the server never uses.
//! Error correction is level M (15 %): enough for a poster that gets a little dirty,
//! while keeping the modules large for the ~200-character link.

use qrcode::render::svg;
use qrcode::types::QrError;
use qrcode::{Color, EcLevel, QrCode};

/// Modules of white border the standard asks for.
const QUIET_ZONE: usize = 4;

fn code(url: &str) -> Result<QrCode, QrError> {
    QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
}

/// The code as a standalone SVG document, at least `min_px` wide.
///
/// # Errors
/// [`QrError`] when the link is too long for any QR version (not for our links).
pub fn svg(url: &str, min_px: u32) -> Result<String, QrError> {
    Ok(code(url)?
        .render::<svg::Color<'_>>()
        .min_dimensions(min_px, min_px)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .build())
}

/// The code as an `<svg>` element to put inside an HTML page (no XML declaration).
///
/// # Errors
/// As [`svg`].
pub fn svg_inline(url: &str, min_px: u32) -> Result<String, QrError> {
    let doc = svg(url, min_px)?;
    Ok(match doc.find("<svg") {
        Some(start) => doc[start..].to_string(),
        None => doc,
    })
}

/// The code as an 8-bit greyscale PNG, `scale` pixels per module.
///
/// # Errors
/// [`QrError`] for a link too long, or the encoder's error as text.
pub fn png(url: &str, scale: usize) -> Result<Vec<u8>, String> {
    let code = code(url).map_err(|e| e.to_string())?;
    let modules = code.width();
    let colors = code.to_colors();
    let scale = scale.clamp(1, 64);
    let side = (modules + 2 * QUIET_ZONE) * scale;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let (mx, my) = (i % modules + QUIET_ZONE, i / modules + QUIET_ZONE);
            for y in my * scale..(my + 1) * scale {
                pixels[y * side + mx * scale..y * side + (mx + 1) * scale].fill(0);
            }
        }
    }
    let side = u32::try_from(side).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&pixels).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://kaohe.example.gov.cn/r/eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzY29wZSI6InNvY2lhbF9yYXRpbmciLCJjaWQiOjEsInBlcmlvZCI6IjIwMjYtMTEiLCJleHAiOjE4MDAwMDAwMDB9.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    #[test]
    fn the_svg_is_a_square_drawing_of_dark_modules() {
        let doc = svg(URL, 300).unwrap();
        assert!(doc.starts_with("<?xml"));
        assert!(doc.contains("<svg") && doc.contains("<path fill=\"#000\""));
        let inline = svg_inline(URL, 300).unwrap();
        assert!(inline.starts_with("<svg") && inline.ends_with("</svg>"));
    }

    #[test]
    fn the_png_is_a_png_of_the_right_size_with_both_colours() {
        let bytes = png(URL, 8).unwrap();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
        let mut reader = decoder.read_info().unwrap();
        let modules = code(URL).unwrap().width();
        let side = u32::try_from((modules + 8) * 8).unwrap();
        assert_eq!((reader.info().width, reader.info().height), (side, side));
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut buf).unwrap();
        assert!(buf.contains(&0) && buf.contains(&255));
        // The quiet zone is white; the top-left finder pattern starts right after it.
        assert_eq!(buf[0], 255);
        let corner = (4 * 8) * usize::try_from(side).unwrap() + 4 * 8;
        assert_eq!(buf[corner], 0);
    }
}
