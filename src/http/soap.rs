//! A SOAP Fault picked out of a body by a tolerant scan: SOAP 1.1 faultcode / faultstring /
//! detail, SOAP 1.2 Code/Value, Reason/Text, Detail (any namespace prefix). Works on a body's
//! first bytes (a truncated body still shows its fault when the elements are in it).

pub use crate::model::http::SoapFault;

/// Characters kept per extracted field.
const MAX_FIELD: usize = 2048;

/// The first start tag whose local name is `name` (any prefix): its end, the tag's text and
/// its name with the prefix.
fn start_tag<'a>(xml: &'a str, name: &str) -> Option<(usize, &'a str, &'a str)> {
    let mut from = 0;
    while let Some(i) = xml.get(from..)?.find('<') {
        let at = from + i + 1;
        let tag_end = at + xml.get(at..)?.find('>')?;
        let tag = xml.get(at..tag_end)?;
        let tag_name = tag.split_whitespace().next().unwrap_or("");
        let local = tag_name.rsplit(':').next().unwrap_or("");
        if local == name && !tag.starts_with('/') {
            return Some((tag_end, tag, tag_name));
        }
        from = tag_end + 1;
    }
    None
}

/// The text inside the first element whose local name is `name` (any prefix); `None` when
/// the element is missing or not closed (a truncated body).
fn element(xml: &str, name: &str) -> Option<String> {
    let (tag_end, tag, tag_name) = start_tag(xml, name)?;
    if tag.ends_with('/') {
        return Some(String::new());
    }
    let close = format!("</{tag_name}>");
    let end = tag_end + 1 + xml.get(tag_end + 1..)?.find(&close)?;
    let text = strip_tags(xml.get(tag_end + 1..end)?);
    Some(text.trim().chars().take(MAX_FIELD).collect())
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The SOAP Fault of a body, if it holds one (a Fault start tag is enough: a body cut short
/// still names its fault, with the fields that are complete).
pub fn soap_fault(body: &str) -> Option<SoapFault> {
    start_tag(body, "Fault")?;
    if body.contains("http://www.w3.org/2003/05/soap-envelope") {
        Some(SoapFault {
            code: element(body, "Value"),
            reason: element(body, "Text"),
            detail: element(body, "Detail"),
            soap_version: "1.2".into(),
        })
    } else {
        Some(SoapFault {
            code: element(body, "faultcode"),
            reason: element(body, "faultstring"),
            detail: element(body, "detail"),
            soap_version: "1.1".into(),
        })
    }
}

/// The SOAP action of a request: the `SOAPAction` header (SOAP 1.1, quotes removed) or the
/// `action` parameter of an `application/soap+xml` Content-Type (SOAP 1.2).
pub fn soap_action(headers: &[(String, String)]) -> Option<String> {
    if let Some(a) = super::header(headers, "soapaction") {
        return Some(a.trim().trim_matches('"').chars().take(MAX_FIELD).collect());
    }
    let ct = super::header(headers, "content-type")?;
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("action")
            .then(|| v.trim().trim_matches('"').chars().take(MAX_FIELD).collect())
    })
}
