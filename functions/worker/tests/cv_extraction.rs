//! Extraction of real and hostile PDFs: real CVs give their words; each hostile file fails
//! with its reason, and extraction keeps working after it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use cyi_shared::domain::cv::FailureReason;
use cyi_worker::cv_text::{Limits, extract};
use lopdf::{Document, Object, Stream, dictionary};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/cv")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

async fn run(bytes: Vec<u8>) -> Result<String, FailureReason> {
    extract(Bytes::from(bytes), Limits::PRODUCTION).await
}

fn assert_words(text: &str, words: &[&str]) {
    for word in words {
        assert!(
            text.contains(word),
            "`{word}` missing from the extracted text"
        );
    }
}

#[tokio::test]
async fn the_two_page_cv_gives_its_words() {
    let text = run(fixture("awesome-cv-resume.pdf")).await.unwrap();
    assert_words(
        &text,
        &[
            "Byungjin Park",
            "DevOps Engineer",
            "Work Experience",
            "Dunamu Inc.",
            "service mesh",
            "Terraform modules",
            "Kubernetes cluster",
            "high-impact",
            "Consul",
        ],
    );
    assert!(!text.contains('\u{AD}'), "soft hyphens are repaired");
    assert!(!text.contains("  "), "whitespace is normalised");
}

#[tokio::test]
async fn the_long_cv_gives_its_words_in_reading_order() {
    let text = run(fixture("awesome-cv-long.pdf")).await.unwrap();
    assert_words(
        &text,
        &[
            "Claud D. Park",
            "POSTECH",
            "Education",
            "Skills",
            "Experience",
            "KarrotPay",
            "Graviton",
        ],
    );
    let order: Vec<usize> = ["Education", "Skills", "Experience"]
        .iter()
        .map(|w| text.find(w).unwrap())
        .collect();
    assert!(order.windows(2).all(|p| p[0] < p[1]), "{order:?}");
}

/// A PDF whose text is shown through a Type0 font with Identity-H encoding and subset glyph
/// ids, mapped back to Unicode by a ToUnicode CMap: the way XeLaTeX, Word and browsers write
/// Korean.
fn korean_pdf(lines: &[&str]) -> Vec<u8> {
    let mut cids: BTreeMap<char, u16> = BTreeMap::new();
    for c in lines.iter().flat_map(|l| l.chars()) {
        let next = cids.len() as u16 + 1;
        cids.entry(c).or_insert(next);
    }
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(char, u16)> = cids.iter().map(|(c, id)| (*c, *id)).collect();
    for chunk in entries.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (c, id) in chunk {
            let mut utf16 = [0u16; 2];
            let hex: String = c
                .encode_utf16(&mut utf16)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            cmap.push_str(&format!("<{id:04X}> <{hex}>\n"));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");

    let mut doc = Document::with_version("1.7");
    let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "KRSUBS+NanumGothic", "Flags" => 4,
        "FontBBox" => vec![0.into(), (-200).into(), 1000.into(), 900.into()],
        "ItalicAngle" => 0, "Ascent" => 900, "Descent" => -200, "CapHeight" => 700, "StemV" => 80,
    });
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "KRSUBS+NanumGothic",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor, "DW" => 1000,
    });
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "KRSUBS+NanumGothic",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![cid_font.into()],
        "ToUnicode" => to_unicode,
    });
    let mut content = String::from("BT /F1 12 Tf 14 TL 50 780 Td\n");
    for line in lines {
        let hex: String = line.chars().map(|c| format!("{:04X}", cids[&c])).collect();
        content.push_str(&format!("<{hex}> Tj T*\n"));
    }
    content.push_str("ET\n");
    page_document(doc, Some(font), content.into_bytes(), None)
}

/// Wraps content in a one-page document.
fn page_document(
    mut doc: Document,
    font: Option<lopdf::ObjectId>,
    content: Vec<u8>,
    image: Option<lopdf::ObjectId>,
) -> Vec<u8> {
    let pages_id = doc.new_object_id();
    let content_id = doc.add_object(Stream::new(dictionary! {}, content));
    let mut resources = dictionary! {};
    if let Some(font) = font {
        resources.set("Font", dictionary! { "F1" => font });
    }
    if let Some(image) = image {
        resources.set("XObject", dictionary! { "Im1" => image });
    }
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "Resources" => resources,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

#[tokio::test]
async fn korean_text_from_subset_glyph_ids_comes_out_whole() {
    let pdf = korean_pdf(&[
        "김민준 백엔드 개발자",
        "경력: 네이버 검색 플랫폼 팀에서 Kotlin 과 Spring 으로 결제 API 를 개발했습니다.",
        "기술: 쿠버네티스, 카프카, PostgreSQL 성능 튜닝",
        "프로젝트: 대용량 트래픽 처리를 위한 캐시 계층 설계",
    ]);
    let text = run(pdf).await.unwrap();
    assert_words(
        &text,
        &[
            "김민준",
            "백엔드 개발자",
            "네이버",
            "결제 API",
            "쿠버네티스",
            "카프카",
            "PostgreSQL",
            "캐시 계층 설계",
        ],
    );
    assert!(
        text.find("김민준").unwrap() < text.find("캐시").unwrap(),
        "reading order"
    );
}

fn image_only_pdf() -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let image = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 2, "Height" => 2,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        },
        vec![0, 255, 255, 0],
    ));
    page_document(
        doc,
        None,
        b"q 500 0 0 700 40 60 cm /Im1 Do Q\n".to_vec(),
        Some(image),
    )
}

fn encrypted_pdf() -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let encrypt = doc.add_object(dictionary! {
        "Filter" => "Standard", "V" => 1, "R" => 2, "P" => -4,
        "O" => Object::string_literal(vec![1u8; 32]), "U" => Object::string_literal(vec![2u8; 32]),
    });
    doc.trailer.set("Encrypt", encrypt);
    page_document(doc, None, b"BT ET".to_vec(), None)
}

fn deeply_nested_pdf() -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /X ".to_vec();
    pdf.extend(std::iter::repeat_n(b'[', 10_000));
    pdf.extend(std::iter::repeat_n(b']', 10_000));
    pdf.extend_from_slice(b" >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
    pdf
}

fn absurd_xref_widths_pdf() -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let offset = pdf.len();
    pdf.extend_from_slice(
        b"1 0 obj\n<< /Type /XRef /Size 2147483647 /W [2147483647 2147483647 2147483647] /Root 1 0 R /Length 12 >>\nstream\n0123456789ab\nendstream\nendobj\n",
    );
    pdf.extend_from_slice(format!("startxref\n{offset}\n%%EOF\n").as_bytes());
    pdf
}

fn png_bytes() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[0u8; 64]);
    png
}

#[tokio::test]
async fn hostile_files_fail_with_their_reason_and_extraction_goes_on() {
    let resume = fixture("awesome-cv-resume.pdf");
    let cases: Vec<(&str, Vec<u8>, FailureReason)> = vec![
        ("empty", Vec::new(), FailureReason::NotAPdf),
        (
            "truncated",
            resume[..resume.len() / 2].to_vec(),
            FailureReason::Malformed,
        ),
        ("PNG named .pdf", png_bytes(), FailureReason::NotAPdf),
        (
            "10,000-deep nested arrays",
            deeply_nested_pdf(),
            FailureReason::Malformed,
        ),
        (
            "absurd xref widths",
            absurd_xref_widths_pdf(),
            FailureReason::Malformed,
        ),
        ("encrypted", encrypted_pdf(), FailureReason::Encrypted),
        ("image only", image_only_pdf(), FailureReason::NoText),
        (
            "header only",
            b"%PDF-1.7\n%%EOF\n".to_vec(),
            FailureReason::Malformed,
        ),
        (
            "over 10 MiB",
            {
                let mut big = b"%PDF-1.7\n".to_vec();
                big.resize(10 * 1024 * 1024 + 1, b' ');
                big
            },
            FailureReason::TooLarge,
        ),
    ];
    for (name, bytes, reason) in cases {
        assert_eq!(run(bytes).await, Err(reason), "{name}");
        // The next good file still extracts.
        assert!(run(resume.clone()).await.is_ok(), "after {name}");
    }
}

#[tokio::test]
async fn an_extraction_past_its_time_limit_is_a_timeout() {
    let limits = Limits {
        timeout: Duration::from_millis(1),
        ..Limits::PRODUCTION
    };
    let outcome = extract(Bytes::from(fixture("awesome-cv-long.pdf")), limits).await;
    assert_eq!(outcome, Err(FailureReason::Timeout));
}

#[tokio::test]
async fn too_many_pages_is_too_large() {
    let limits = Limits {
        max_pages: 1,
        ..Limits::PRODUCTION
    };
    let outcome = extract(Bytes::from(fixture("awesome-cv-resume.pdf")), limits).await;
    assert_eq!(outcome, Err(FailureReason::TooLarge));
}

/// The résumé encrypted by qpdf with `args` (`--encrypt USER OWNER BITS [options] --`), or
/// `None` when qpdf is not installed (scripts/test installs it, so CI always has it).
fn qpdf_encrypted(name: &str, args: &[&str]) -> Option<Vec<u8>> {
    if std::process::Command::new("qpdf")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED: qpdf is not installed (apt-get install -y qpdf); {name} not tested");
        return None;
    }
    let input = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/cv/awesome-cv-resume.pdf");
    let output = std::env::temp_dir().join(format!("cyi-{}-{name}.pdf", std::process::id()));
    // RC4 and 128-bit keys are weak, and qpdf writes them only when told to: CVs come from
    // every kind of tool.
    let status = std::process::Command::new("qpdf")
        .arg("--allow-weak-crypto")
        .arg("--encrypt")
        .args(args)
        .arg("--")
        .arg(&input)
        .arg(&output)
        .status()
        .expect("qpdf runs");
    assert!(status.success(), "qpdf {name}: {status}");
    let bytes = std::fs::read(&output).unwrap();
    std::fs::remove_file(&output).unwrap();
    assert!(
        bytes.windows(8).any(|w| w == b"/Encrypt"),
        "{name} is encrypted"
    );
    Some(bytes)
}

/// Key lengths and ciphers: RC4 40 and 128 bits, AES 128 and 256 bits.
const CIPHERS: [(&str, &[&str]); 4] = [
    ("rc4-40", &["40"]),
    ("rc4-128", &["128", "--use-aes=n"]),
    ("aes-128", &["128", "--use-aes=y"]),
    ("aes-256", &["256"]),
];

#[tokio::test]
async fn a_pdf_restricted_only_by_an_owner_password_extracts() {
    for (cipher, options) in CIPHERS {
        // Printing allowed, copying and editing restricted, no password to open.
        let mut args = vec!["", "OWNERPW"];
        args.extend_from_slice(options);
        args.extend_from_slice(if cipher == "rc4-40" {
            &["--extract=n", "--modify=n"][..]
        } else {
            &["--extract=n", "--modify=none"][..]
        });
        let Some(pdf) = qpdf_encrypted(&format!("owner-{cipher}"), &args) else {
            return;
        };
        let text = run(pdf).await.unwrap_or_else(|e| panic!("{cipher}: {e:?}"));
        assert_words(
            &text,
            &[
                "Byungjin Park",
                "DevOps Engineer",
                "Dunamu Inc.",
                "service mesh",
                "Terraform modules",
                "high-impact",
            ],
        );
    }
}

#[tokio::test]
async fn a_pdf_that_needs_a_password_to_open_is_encrypted() {
    for (cipher, options) in CIPHERS {
        let mut args = vec!["USERPW", "OWNERPW"];
        args.extend_from_slice(options);
        let Some(pdf) = qpdf_encrypted(&format!("user-{cipher}"), &args) else {
            return;
        };
        assert_eq!(run(pdf).await, Err(FailureReason::Encrypted), "{cipher}");
    }
    // Extraction goes on after them.
    assert!(run(fixture("awesome-cv-resume.pdf")).await.is_ok());
}

/// A .docx as Word writes it, reduced to what a reader needs: the content types, a header,
/// and a body of paragraphs with a two-column table between them.
fn docx(header: &str, before: &[&str], table: &[[&str; 2]], after: &[&str]) -> Vec<u8> {
    fn paragraph(text: &str) -> String {
        let text = text.replace('&', "&amp;").replace('<', "&lt;");
        format!(
            r#"<w:p><w:pPr><w:pStyle w:val="Normal"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#
        )
    }
    const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
    let rows: String = table
        .iter()
        .map(|[a, b]| {
            format!(
                "<w:tr><w:tc><w:tcPr/>{}</w:tc><w:tc>{}</w:tc></w:tr>",
                paragraph(a),
                paragraph(b)
            )
        })
        .collect();
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {NS}><w:body>{}<w:tbl><w:tblPr/>{rows}</w:tbl>{}<w:sectPr><w:headerReference w:type="default"/></w:sectPr></w:body></w:document>"#,
        before.iter().map(|p| paragraph(p)).collect::<String>(),
        after.iter().map(|p| paragraph(p)).collect::<String>(),
    );
    let header = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr {NS}>{}</w:hdr>"#,
        paragraph(header)
    );
    zip_of(&[
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.as_bytes(),
        ),
        ("word/document.xml", body.as_bytes()),
        ("word/header1.xml", header.as_bytes()),
    ])
}

/// A deflated ZIP of the given entries.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(content).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[tokio::test]
async fn an_english_docx_gives_its_words_in_reading_order() {
    let file = docx(
        "Ada Lovelace — ada@example.com — Seoul",
        &[
            "Senior Back-end Engineer with eight years of distributed systems.",
            "Experience",
        ],
        &[
            [
                "2021–2025",
                "Acme Cloud Inc.: led the migration of 40 services to Kubernetes",
            ],
            ["2017–2021", "Globex: built the payments API in Rust & Go"],
        ],
        &["Skills", "Terraform, PostgreSQL, Kafka"],
    );
    let text = run(file).await.unwrap();
    assert_words(
        &text,
        &[
            "Ada Lovelace",
            "Senior Back-end Engineer",
            "Acme Cloud Inc.: led the migration of 40 services to Kubernetes",
            "payments API in Rust & Go",
            "Terraform, PostgreSQL, Kafka",
        ],
    );
    let order: Vec<usize> = [
        "Ada Lovelace",
        "Experience",
        "2021–2025",
        "Acme",
        "2017–2021",
        "Skills",
    ]
    .iter()
    .map(|w| text.find(w).unwrap_or_else(|| panic!("{w}")))
    .collect();
    assert!(order.windows(2).all(|p| p[0] < p[1]), "{order:?}");
}

#[tokio::test]
async fn a_korean_docx_comes_out_whole() {
    let file = docx(
        "김민준 · 백엔드 개발자",
        &["경력: 네이버 검색 플랫폼 팀에서 Kotlin 과 Spring 으로 결제 API 를 개발했습니다."],
        &[["기술", "쿠버네티스, 카프카, PostgreSQL 성능 튜닝"]],
        &["프로젝트: 대용량 트래픽 처리를 위한 캐시 계층 설계"],
    );
    let text = run(file).await.unwrap();
    assert_words(
        &text,
        &[
            "김민준",
            "백엔드 개발자",
            "네이버 검색 플랫폼",
            "결제 API",
            "쿠버네티스, 카프카",
            "캐시 계층 설계",
        ],
    );
    assert!(
        text.find("김민준").unwrap() < text.find("기술").unwrap()
            && text.find("기술").unwrap() < text.find("캐시").unwrap(),
        "reading order"
    );
}

/// Rewrites the uncompressed size of every entry, in the local headers and the directory.
fn declare_size(mut zip: Vec<u8>, size: u32) -> Vec<u8> {
    for at in 0..zip.len().saturating_sub(4) {
        let offset = match &zip[at..at + 4] {
            b"PK\x03\x04" => 22,
            b"PK\x01\x02" => 24,
            _ => continue,
        };
        zip[at + offset..at + offset + 4].copy_from_slice(&size.to_le_bytes());
    }
    zip
}

/// Runs `case` and checks it fails with one of `reasons` well within a second.
async fn fails_fast(name: &str, bytes: Vec<u8>, limits: Limits, reasons: &[FailureReason]) {
    let started = std::time::Instant::now();
    let outcome = extract(Bytes::from(bytes), limits).await;
    let took = started.elapsed();
    eprintln!("{name}: {outcome:?} in {took:?}");
    assert!(
        outcome.as_ref().is_err_and(|e| reasons.contains(e)),
        "{name}: {outcome:?}"
    );
    assert!(took < Duration::from_secs(1), "{name} took {took:?}");
}

#[tokio::test]
async fn docx_bombs_fail_fast_and_extraction_goes_on() {
    let body = |xml: &str| {
        zip_of(&[
            ("[Content_Types].xml", b"<Types/>".as_slice()),
            ("word/document.xml", xml.as_bytes()),
        ])
    };
    // A directory declaring 3.75 GiB: refused before anything is inflated.
    let declared = declare_size(
        body("<w:document><w:t>short</w:t></w:document>"),
        0xF000_0000,
    );
    fails_fast(
        "declared bomb",
        declared,
        Limits::PRODUCTION,
        &[FailureReason::TooLarge],
    )
    .await;

    // 8 MiB of zeros deflated to a few KiB, declaring 100 bytes, against a 1 MiB budget:
    // the bytes actually inflated are capped.
    let zeros = vec![b'0'; 8 * 1024 * 1024];
    let mut xml = b"<w:document><w:t>".to_vec();
    xml.extend_from_slice(&zeros);
    xml.extend_from_slice(b"</w:t></w:document>");
    let lying = declare_size(zip_of(&[("word/document.xml", xml.as_slice())]), 100);
    assert!(lying.len() < 64 * 1024, "{} bytes", lying.len());
    fails_fast(
        "inflation bomb",
        lying,
        Limits {
            max_unpacked_bytes: 1024 * 1024,
            ..Limits::PRODUCTION
        },
        &[FailureReason::TooLarge, FailureReason::Malformed],
    )
    .await;

    let many: Vec<(String, Vec<u8>)> = (0..1_001)
        .map(|i| (format!("word/media/{i}.xml"), Vec::new()))
        .chain([("word/document.xml".into(), b"<w:document/>".to_vec())])
        .collect();
    let many: Vec<(&str, &[u8])> = many
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .collect();
    fails_fast(
        "1,002 entries",
        zip_of(&many),
        Limits::PRODUCTION,
        &[FailureReason::TooLarge],
    )
    .await;

    let laughs = format!(
        r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">{}]><w:document><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"#,
        (1..10)
            .map(|i| format!(
                r#"<!ENTITY lol{i} "{}">"#,
                format!(
                    "&lol{};",
                    if i == 1 {
                        String::new()
                    } else {
                        (i - 1).to_string()
                    }
                )
                .repeat(10)
            ))
            .collect::<String>()
    );
    fails_fast(
        "billion laughs",
        body(&laughs),
        Limits::PRODUCTION,
        &[FailureReason::Malformed],
    )
    .await;

    let deep = format!("{}{}", "<w:p>".repeat(10_000), "</w:p>".repeat(10_000));
    fails_fast(
        "10,000-deep elements",
        body(&deep),
        Limits::PRODUCTION,
        &[FailureReason::Malformed],
    )
    .await;

    // Not a Word document: a ZIP without word/document.xml, and legacy .doc (OLE).
    fails_fast(
        "spreadsheet",
        zip_of(&[("xl/workbook.xml", b"<workbook/>".as_slice())]),
        Limits::PRODUCTION,
        &[FailureReason::NotAPdf],
    )
    .await;
    fails_fast(
        "legacy .doc",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0".to_vec(),
        Limits::PRODUCTION,
        &[FailureReason::NotAPdf],
    )
    .await;
    // A body with too few words is a scan, as for a PDF.
    fails_fast(
        "no text",
        body("<w:document><w:body><w:p><w:r><w:t>CV</w:t></w:r></w:p></w:body></w:document>"),
        Limits::PRODUCTION,
        &[FailureReason::NoText],
    )
    .await;

    let good = docx(
        "Header",
        &["A paragraph long enough to count as a CV's text, surely."],
        &[],
        &[],
    );
    assert!(run(good).await.is_ok(), "extraction goes on");
}
