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
            "over 5 MiB",
            {
                let mut big = b"%PDF-1.7\n".to_vec();
                big.resize(5 * 1024 * 1024 + 1, b' ');
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
