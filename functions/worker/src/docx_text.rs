//! Text extraction from Word `.docx` CVs (Office Open XML: a ZIP of XML parts), hostile
//! until proven otherwise. Before anything is inflated the ZIP's central directory is read
//! and its declared entry count and sizes checked; while inflating, the bytes actually
//! produced are capped too (a declared size can lie). The XML is read by a streaming reader
//! that expands no entity of its own, refuses any DTD (so no "billion laughs") and bounds
//! element nesting.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use cyi_shared::domain::cv::FailureReason;

use crate::limits::Limits;

/// The main body of a Word document.
const BODY: &str = "word/document.xml";

/// The text of a .docx: headers first (they open every page), then the body in reading
/// order (paragraphs, table rows cell by cell), then footers. Not yet normalised.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<String, FailureReason> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FailureReason::Malformed)?;
    if archive.len() > limits.max_zip_entries {
        return Err(FailureReason::TooLarge);
    }
    // The declared sizes of every entry, before inflating any of them.
    let mut declared: u64 = 0;
    let mut headers = Vec::new();
    let mut footers = Vec::new();
    let mut has_body = false;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|_| FailureReason::Malformed)?;
        declared = declared.saturating_add(entry.size());
        let name = entry.name().map_err(|_| FailureReason::Malformed)?;
        let name: &str = &name;
        if name == BODY {
            has_body = true;
        } else if is_part(name, "word/header") {
            headers.push(name.to_owned());
        } else if is_part(name, "word/footer") {
            footers.push(name.to_owned());
        }
    }
    if !has_body {
        return Err(FailureReason::NotAPdf);
    }
    if declared > limits.max_unpacked_bytes as u64 {
        return Err(FailureReason::TooLarge);
    }
    // `header2.xml` after `header1.xml`, `header10.xml` after both.
    headers.sort_by_key(|n| (n.len(), n.clone()));
    footers.sort_by_key(|n| (n.len(), n.clone()));

    let mut budget = limits.max_unpacked_bytes;
    let mut text = String::new();
    let mut seen = Vec::new();
    for name in headers
        .iter()
        .map(String::as_str)
        .chain([BODY])
        .chain(footers.iter().map(String::as_str))
    {
        let xml = inflate(&mut archive, name, &mut budget)?;
        let part = part_text(&xml, limits.max_xml_depth)?;
        // The same header on first and other pages is read once.
        if name != BODY && (part.trim().is_empty() || seen.contains(&part)) {
            continue;
        }
        text.push_str(&part);
        text.push('\n');
        seen.push(part);
    }
    Ok(text)
}

/// `word/header1.xml` and the like, but not `word/_rels/...`.
fn is_part(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(".xml"))
        .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
}

/// Inflates one entry, stopping once it would exceed what is left of the budget whatever
/// its header declared.
fn inflate(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    budget: &mut usize,
) -> Result<String, FailureReason> {
    let entry = archive
        .by_name(name)
        .map_err(|_| FailureReason::Malformed)?;
    let mut bytes = Vec::new();
    entry
        .take(*budget as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| FailureReason::Malformed)?;
    if bytes.len() > *budget {
        return Err(FailureReason::TooLarge);
    }
    *budget -= bytes.len();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|_| FailureReason::Malformed)
}

/// The text of one WordprocessingML part: `w:t` runs, tabs and breaks; a paragraph ends a
/// line, table cells are separated by ` | ` and rows end lines. Deleted text (`w:delText`),
/// field codes (`w:instrText`) and the fallback copy of drawing content are left out.
fn part_text(xml: &str, max_depth: usize) -> Result<String, FailureReason> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let (mut out, mut depth) = (String::new(), 0usize);
    let (mut in_text, mut skipping) = (false, None::<usize>);
    loop {
        let event = reader.read_event().map_err(|_| FailureReason::Malformed)?;
        match event {
            Event::DocType(_) => return Err(FailureReason::Malformed),
            Event::Start(element) => {
                depth += 1;
                if depth > max_depth {
                    return Err(FailureReason::Malformed);
                }
                let name = element.local_name();
                match name.as_ref() {
                    "t" if skipping.is_none() => in_text = true,
                    "Fallback" | "delText" | "instrText" if skipping.is_none() => {
                        skipping = Some(depth);
                    }
                    _ => {}
                }
            }
            Event::Empty(element) if skipping.is_none() => match element.local_name().as_ref() {
                "tab" => out.push('\t'),
                "br" | "cr" => out.push('\n'),
                _ => {}
            },
            Event::End(element) => {
                if skipping == Some(depth) {
                    skipping = None;
                }
                depth = depth.saturating_sub(1);
                if skipping.is_none() {
                    match element.local_name().as_ref() {
                        "t" => in_text = false,
                        "p" => out.push('\n'),
                        "tc" => out.push_str(" | "),
                        "tr" => out.push('\n'),
                        _ => {}
                    }
                }
            }
            Event::Text(content) if in_text && skipping.is_none() => {
                out.push_str(&content.xml10_content());
            }
            Event::CData(content) if in_text && skipping.is_none() => {
                out.push_str(&content.xml10_content());
            }
            Event::GeneralRef(reference) if in_text && skipping.is_none() => {
                out.push(resolve(&reference)?);
            }
            Event::GeneralRef(reference) => {
                resolve(&reference)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 {
        return Err(FailureReason::Malformed);
    }
    Ok(out)
}

/// A character reference or one of XML's five predefined entities; any other entity would
/// need a DTD, which is refused.
fn resolve(reference: &quick_xml::events::BytesRef<'_>) -> Result<char, FailureReason> {
    if let Some(c) = reference
        .resolve_char_ref()
        .map_err(|_| FailureReason::Malformed)?
    {
        return Ok(c);
    }
    match reference.as_ref() {
        "amp" => Ok('&'),
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "quot" => Ok('"'),
        "apos" => Ok('\''),
        _ => Err(FailureReason::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_tables_and_breaks_in_reading_order() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="w" xmlns:mc="mc"><w:body>
<w:p><w:r><w:t>Ada</w:t></w:r><w:r><w:t xml:space="preserve"> Lovelace &amp; co&#x2122;</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>2019</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Acme</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:delText>gone</w:delText><w:instrText>PAGE</w:instrText><w:t>a</w:t><w:tab/><w:t>b</w:t></w:r></w:p>
<mc:AlternateContent><mc:Choice><w:t>box</w:t></mc:Choice><mc:Fallback><w:t>box</w:t></mc:Fallback></mc:AlternateContent>
</w:body></w:document>"#;
        let text = part_text(xml, 64).unwrap();
        assert_eq!(
            text.split_whitespace().collect::<Vec<_>>().join(" "),
            "Ada Lovelace & co™ 2019 | Acme | a b box"
        );
    }

    #[test]
    fn dtds_unknown_entities_deep_nesting_and_bad_xml_are_malformed() {
        let laughs = r#"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa">]><w:document><w:t>&a;</w:t></w:document>"#;
        assert_eq!(part_text(laughs, 64), Err(FailureReason::Malformed));
        assert_eq!(
            part_text("<d><t>&nope;</t></d>", 64),
            Err(FailureReason::Malformed)
        );
        let deep = format!("{}{}", "<a>".repeat(65), "</a>".repeat(65));
        assert_eq!(part_text(&deep, 64), Err(FailureReason::Malformed));
        assert!(part_text(&deep, 65).is_ok());
        assert_eq!(part_text("<a><b></a>", 64), Err(FailureReason::Malformed));
        assert_eq!(part_text("<a><b>", 64), Err(FailureReason::Malformed));
    }

    #[test]
    fn header_and_footer_parts_are_recognised() {
        assert!(is_part("word/header1.xml", "word/header"));
        assert!(is_part("word/footer12.xml", "word/footer"));
        assert!(!is_part("word/_rels/header1.xml.rels", "word/header"));
        assert!(!is_part("word/headerx.xml", "word/header"));
    }
}
