//! The legacy bank importer on the real legacy files, on both adapter families.

use std::path::PathBuf;

use cyi_shared::domain::{Lang, Position};
use cyi_shared::ports::item_store::query_all;
use cyi_shared::testing::Family;

api_cases!(the_legacy_bank_is_normalised_and_reimports_idempotently);

fn legacy_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/legacy-bank")
}

async fn stored(family: &Family) -> usize {
    let store = family.services.store.as_ref();
    let mut total = query_all(store, "IMPORTED#behavioral", "")
        .await
        .unwrap()
        .len();
    for position in Position::ALL {
        total += query_all(
            store,
            &format!("IMPORTED#technical#{}", position.as_str()),
            "",
        )
        .await
        .unwrap()
        .len();
    }
    total
}

async fn the_legacy_bank_is_normalised_and_reimports_idempotently(family: Family) {
    let report = cyi_infra::legacy::import(family.services.store.as_ref(), &legacy_dir())
        .await
        .unwrap();
    println!("{}", report.summary());
    let count = |p, l| report.technical.get(&(p, l)).copied().unwrap_or(0);
    assert_eq!(count(Position::Ai, Lang::En), 393);
    assert_eq!(count(Position::Be, Lang::En), 169);
    assert_eq!(count(Position::Fe, Lang::En), 100);
    assert_eq!(count(Position::Mobile, Lang::En), 78);
    assert_eq!(
        count(Position::Be, Lang::Ko),
        39,
        "`back-end` is mapped to be"
    );
    assert_eq!(report.behavioral, 30);
    assert_eq!(report.competencies, 6);
    let outside = report
        .skipped
        .iter()
        .filter(|s| s.reason.contains("outside the"))
        .count();
    let duplicates = report
        .skipped
        .iter()
        .filter(|s| s.reason == "duplicate question")
        .count();
    assert_eq!((outside, duplicates, report.skipped.len()), (260, 4, 264));
    assert!(
        report
            .skipped
            .iter()
            .any(|s| s.reason == "topic `ASP.NET` is outside the mobile taxonomy")
    );
    // Topics are normalised into the taxonomy: `Statistics ` with its trailing space (67),
    // `EDA` (29 once duplicates are dropped) and `Time Series` alone or first in a list (5).
    assert_eq!(
        report.topics[&(Position::Ai, "statistics".to_owned())],
        67 + 29 + 5
    );
    assert!(
        report
            .topics
            .keys()
            .all(|(p, t)| p.topics().contains(&t.as_str()))
    );

    let items = stored(&family).await;
    assert_eq!(items, 393 + 169 + 100 + 78 + 39 + 30 + 6);
    let again = cyi_infra::legacy::import(family.services.store.as_ref(), &legacy_dir())
        .await
        .unwrap();
    assert_eq!(again.technical, report.technical);
    assert_eq!(
        stored(&family).await,
        items,
        "re-import writes the same items"
    );
    let sample = &query_all(
        family.services.store.as_ref(),
        "IMPORTED#technical#be",
        "networking#",
    )
    .await
    .unwrap()[0];
    let text = sample.str_attr("text").unwrap();
    assert_eq!(
        text,
        text.split_whitespace().collect::<Vec<_>>().join(" "),
        "whitespace trimmed"
    );
}
