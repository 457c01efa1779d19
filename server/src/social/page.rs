//! The HTML residents and printers get: the rating page, its answers (thanks, or why
//! not), and the A4 poster. Plain strings, not the Leptos app: the rating page is ~4 KB
//! with its CSS and script inline, so it opens in one round trip on a weak network.
//!
//! Everything that comes from a person — a comment, a unit or person name, a link — goes
//! through [`escape`] before it is written into HTML.

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "*{box-sizing:border-box}\
body{margin:0;font:16px/1.6 system-ui,-apple-system,\"PingFang SC\",\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;background:#f6f3f2;color:#1f1b1a}\
main{max-width:480px;margin:0 auto;padding:16px 16px 32px}\
header{background:#b3261e;color:#fff;padding:14px 16px;border-radius:12px;margin-bottom:16px}\
h1{font-size:15px;font-weight:400;margin:0;opacity:.9}\
.who{font-size:20px;font-weight:700;margin:2px 0}\
.sub{margin:0;font-size:14px;opacity:.9}\
fieldset{border:0;padding:0;margin:0 0 12px}\
legend{font-weight:600;margin-bottom:8px}\
.opt{position:absolute;opacity:0}\
.b{display:block;padding:14px;margin-bottom:10px;border:2px solid #d8cfcd;border-radius:12px;background:#fff;font-size:20px;font-weight:600;text-align:center}\
.opt:checked+.b{border-color:#b3261e;background:#fbe9e7;color:#8c1d18}\
.opt:focus-visible+.b{outline:3px solid #1a73e8}\
textarea{width:100%;font:inherit;padding:10px;border:1px solid #d8cfcd;border-radius:8px;resize:vertical}\
button{width:100%;margin-top:14px;padding:14px;font:inherit;font-size:18px;font-weight:600;color:#fff;background:#b3261e;border:0;border-radius:12px}\
button:disabled{opacity:.6}\
.note{color:#6b6261;font-size:14px;margin:10px 0 0}\
.msg{background:#fff;border-radius:12px;padding:28px 16px;text-align:center}\
.msg h2{margin:8px 0;font-size:22px}\
.icon{font-size:44px;line-height:1;margin:0;color:#b3261e}\
.ok .icon{color:#1e7d32}";

/// The solver: starts at once (the resident is still reading), tries 64 numbers per round
/// so the digest promises run together, and fills the hidden `altcha` field with the
/// base64 JSON solution on submit, as ALTCHA's widget does.
const SCRIPT: &str = "(function(){var f=document.getElementById('f'),a=document.getElementById('a'),\
s=document.getElementById('s'),m=document.getElementById('m'),c=JSON.parse(f.getAttribute('data-c')),\
t=Date.now(),e=new TextEncoder(),S=window.crypto&&window.crypto.subtle;\
function h(b){var u=new Uint8Array(b),x='';for(var i=0;i<u.length;i++)x+=(u[i]<16?'0':'')+u[i].toString(16);return x}\
async function solve(){for(var n=0;n<=c.maxnumber;n+=64){var p=[];for(var k=n;k<n+64&&k<=c.maxnumber;k++)\
p.push(S.digest('SHA-256',e.encode(c.salt+k)));var r=await Promise.all(p);\
for(var i=0;i<r.length;i++)if(h(r[i])===c.challenge)return n+i}return -1}\
var w=S?solve():Promise.resolve(-1);\
f.addEventListener('submit',function(v){if(a.value)return;v.preventDefault();s.disabled=true;s.textContent='正在提交…';\
w.then(function(n){if(n<0){m.textContent='安全验证失败，请刷新页面后重试。';s.disabled=false;s.textContent='提交评价';return}\
a.value=btoa(JSON.stringify({algorithm:c.algorithm,challenge:c.challenge,number:n,salt:c.salt,signature:c.signature,took:Date.now()-t}));\
f.submit()})})})();";

fn document(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{}</title><style>{STYLE}</style></head>\
         <body><main>{body}</main></body></html>",
        escape(title)
    )
}

/// What the page says about the campaign.
#[derive(Debug, Clone)]
pub struct CampaignHeading {
    /// The unit, or "person（unit）".
    pub title: String,
    /// 2026年11月 …
    pub period_label: String,
    /// The end, China time.
    pub ends_label: String,
}

fn heading(h: Option<&CampaignHeading>) -> String {
    match h {
        Some(h) => format!(
            "<header><h1>社会评议</h1><p class=\"who\" data-testid=\"campaign-title\">{}</p>\
             <p class=\"sub\">{}工作满意度 · {}截止</p></header>",
            escape(&h.title),
            escape(&h.period_label),
            escape(&h.ends_label)
        ),
        None => "<header><h1>社会评议</h1><p class=\"who\">群众满意度评价</p></header>".to_string(),
    }
}

/// The rating page: three answers, an optional comment, the proof-of-work challenge.
pub fn rating_form(h: &CampaignHeading, challenge_json: &str, max_comment: usize) -> String {
    let options: String = super::Level::ALL
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!(
                "<input class=\"opt\" type=\"radio\" name=\"level\" id=\"l{i}\" value=\"{}\"{}>\
                 <label class=\"b\" for=\"l{i}\" data-testid=\"level-{}\">{}</label>",
                l.as_str(),
                if i == 0 { " required" } else { "" },
                l.as_str(),
                l.label_zh()
            )
        })
        .collect();
    let body = format!(
        "{}<form id=\"f\" method=\"post\" data-c=\"{}\"><fieldset><legend>您对其工作满意吗？</legend>{options}</fieldset>\
         <label for=\"c\">意见建议（选填，{max_comment}字以内）</label>\
         <textarea id=\"c\" name=\"comment\" rows=\"3\" maxlength=\"{max_comment}\" data-testid=\"comment\"></textarea>\
         <input type=\"hidden\" name=\"altcha\" id=\"a\">\
         <button id=\"s\" type=\"submit\" data-testid=\"submit\">提交评价</button>\
         <p class=\"note\" id=\"m\">匿名评价，每部手机限评一次。</p></form>\
         <noscript><p class=\"note\">请开启浏览器的 JavaScript 后再提交。</p></noscript>\
         <script>{SCRIPT}</script>",
        heading(Some(h)),
        escape(challenge_json),
    );
    document("社会评议", &body)
}

/// A page with one message: thanks, or why the rating was not taken. `code` is the
/// machine-readable reason (also in the JSON answer), for tests and support.
pub fn message(h: Option<&CampaignHeading>, ok: bool, code: &str, title: &str, text: &str) -> String {
    let body = format!(
        "{}<section class=\"msg{}\" data-testid=\"message\" data-code=\"{}\"><p class=\"icon\">{}</p>\
         <h2>{}</h2><p>{}</p></section>",
        heading(h),
        if ok { " ok" } else { "" },
        escape(code),
        if ok { "✓" } else { "!" },
        escape(title),
        escape(text)
    );
    document(title, &body)
}

/// The printable A4 poster: who is rated, the period, how to take part, the QR code.
pub fn poster(h: &CampaignHeading, qr_svg: &str, link: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>社会评议海报 · {title}</title>\
         <style>@page{{size:A4;margin:0}}*{{box-sizing:border-box}}\
         body{{margin:0;background:#e9e6e5;color:#1f1b1a;font-family:\"PingFang SC\",\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif}}\
         .sheet{{width:210mm;height:297mm;margin:0 auto;background:#fff;padding:16mm 18mm;display:flex;flex-direction:column;align-items:center;text-align:center;border-top:10mm solid #b3261e}}\
         h1{{font-size:40pt;letter-spacing:.3em;color:#b3261e;margin:4mm 0 2mm}}\
         .who{{font-size:24pt;font-weight:700;margin:0}}.period{{font-size:16pt;margin:2mm 0 6mm}}\
         .qr svg{{width:105mm;height:105mm;display:block}}\
         ol{{text-align:left;font-size:14pt;line-height:1.9;margin:6mm 0 0;padding-left:1.4em}}\
         .foot{{margin-top:auto;font-size:11pt;color:#555;word-break:break-all}}\
         .print{{position:fixed;right:12px;bottom:12px;padding:10px 18px;font-size:16px;border:0;border-radius:8px;background:#b3261e;color:#fff}}\
         @media print{{body{{background:#fff}}.print{{display:none}}}}\
         @media screen and (max-width:800px){{.sheet{{width:100%;height:auto;padding:16px 14px 80px;border-top-width:10px}}\
         h1{{font-size:28px}}.who{{font-size:20px}}.period{{font-size:15px}}.qr svg{{width:72vw;height:72vw}}\
         ol{{font-size:15px}}.foot{{font-size:12px;margin-top:16px}}}}</style></head>\
         <body><div class=\"sheet\" data-testid=\"poster\"><h1>社会评议</h1>\
         <p class=\"who\">{title}</p><p class=\"period\">{period}工作满意度评价</p>\
         <div class=\"qr\" data-testid=\"poster-qr\">{qr_svg}</div>\
         <ol><li>用手机扫描上方二维码（微信、浏览器均可），无需注册登录。</li>\
         <li>选择“满意”“基本满意”或“不满意”，可填写意见建议。</li>\
         <li>点击“提交评价”。评价匿名，每部手机限评一次。</li></ol>\
         <p class=\"foot\">评议截止：{ends}<br>{link}</p></div>\
         <button class=\"print\" onclick=\"window.print()\">打印海报</button></body></html>",
        title = escape(&h.title),
        period = escape(&h.period_label),
        ends = escape(&h.ends_label),
        link = escape(link),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading() -> CampaignHeading {
        CampaignHeading {
            title: "老城街道".into(),
            period_label: "2026年11月".into(),
            ends_label: "12月6日 18:00".into(),
        }
    }

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("满意，很好"), "满意，很好");
    }

    #[test]
    fn names_and_messages_are_escaped_wherever_they_are_shown() {
        let evil = CampaignHeading { title: "<img src=x onerror=alert(1)>".into(), ..heading() };
        for html in [
            rating_form(&evil, "{}", 200),
            message(Some(&evil), true, "ok", "感谢", "<b>x</b>"),
            poster(&evil, "<svg></svg>", "https://x/r/\"><script>"),
        ] {
            assert!(!html.contains("<img src=x"), "{html}");
            assert!(!html.contains("<b>x</b>"));
            assert!(!html.contains("\"><script>"));
        }
    }

    #[test]
    fn the_rating_page_is_small_and_carries_its_challenge_in_an_attribute() {
        let json =
            r#"{"algorithm":"SHA-256","challenge":"ab","maxnumber":50000,"salt":"s?expires=1&c=2","signature":"cd"}"#;
        let html = rating_form(&heading(), json, 200);
        assert!(html.len() < 6 * 1024, "{} bytes", html.len());
        assert!(html.contains("data-c=\"{&quot;algorithm&quot;:&quot;SHA-256&quot;"));
        assert!(html.contains("s?expires=1&amp;c=2"));
        for label in ["满意", "基本满意", "不满意"] {
            assert!(html.contains(label));
        }
        assert!(html.contains("crypto.subtle") || html.contains("window.crypto"));
    }
}
