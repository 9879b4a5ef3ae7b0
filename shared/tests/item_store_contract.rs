//! The item store contract, run against SQLite and against DynamoDB (moto).

use std::sync::Arc;

use cyi_shared::Services;
use cyi_shared::ports::item_store::query_all;
use cyi_shared::ports::{Condition, Item, ItemKey, Query, StoreError, Update, WriteOp};
use serde_json::{Value, json};

cyi_shared::contract_cases!(cyi_shared::testing::FAST_QUEUE;
    put_if_absent_conflicts,
    concurrent_puts_if_absent_have_one_winner,
    conditional_update_that_loses_changes_nothing,
    guarded_counter_stops_at_its_bound,
    update_creates_and_returns_the_item,
    query_by_partition_and_sort_key_prefix,
    query_pages_in_both_directions,
    transaction_applies_every_write,
    transaction_fails_as_a_whole,
    expired_items_are_filtered,
    conditional_delete,
    nested_values_round_trip,
    reserved_attribute_names_are_refused,
    set_additions_keep_members_once,
);

fn item(pk: &str, sk: &str, attrs: Value) -> Item {
    let Value::Object(attrs) = attrs else {
        panic!("attributes are an object")
    };
    Item::new(ItemKey::new(pk, sk), attrs)
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

async fn put_if_absent_conflicts(s: &Services) {
    let first = item("U#1", "PROFILE", json!({"name": "first"}));
    s.store
        .put(first.clone(), Some(Condition::Absent))
        .await
        .unwrap();
    let second = item("U#1", "PROFILE", json!({"name": "second"}));
    let error = s
        .store
        .put(second, Some(Condition::Absent))
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::ConditionFailed), "{error:?}");
    let stored = s.store.get(&first.key).await.unwrap().unwrap();
    assert_eq!(stored.str_attr("name"), Some("first"));
}

async fn concurrent_puts_if_absent_have_one_winner(s: &Services) {
    let store = Arc::clone(&s.store);
    let attempts = (0..10).map(|n| {
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            store
                .put(
                    item("NAME#ada", "CLAIM", json!({ "by": n })),
                    Some(Condition::Absent),
                )
                .await
        })
    });
    let mut wins = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(()) => wins += 1,
            Err(StoreError::ConditionFailed) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(wins, 1);
}

async fn conditional_update_that_loses_changes_nothing(s: &Services) {
    let key = ItemKey::new("U#2", "PROFILE");
    s.store
        .put(item("U#2", "PROFILE", json!({"version": 1})), None)
        .await
        .unwrap();
    let updated = s
        .store
        .update(
            &key,
            vec![Update::set("version", 2), Update::set("note", "won")],
            Some(Condition::equals("version", 1)),
        )
        .await
        .unwrap();
    assert_eq!(updated.int_attr("version"), Some(2));
    let error = s
        .store
        .update(
            &key,
            vec![Update::set("version", 3), Update::set("note", "lost")],
            Some(Condition::equals("version", 1)),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::ConditionFailed), "{error:?}");
    let stored = s.store.get(&key).await.unwrap().unwrap();
    assert_eq!(stored.int_attr("version"), Some(2));
    assert_eq!(stored.str_attr("note"), Some("won"));
    // An update that requires a live item does not create one.
    let missing = ItemKey::new("U#nobody", "PROFILE");
    let error = s
        .store
        .update(
            &missing,
            vec![Update::set("x", 1)],
            Some(Condition::Present),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::ConditionFailed), "{error:?}");
    assert_eq!(s.store.get(&missing).await.unwrap(), None);
}

async fn guarded_counter_stops_at_its_bound(s: &Services) {
    let key = ItemKey::new("U#3", "QUOTA");
    s.store
        .put(item("U#3", "QUOTA", json!({"used": 0})), None)
        .await
        .unwrap();
    let take = || {
        s.store.update(
            &key,
            vec![Update::Add("used".into(), 1)],
            Some(Condition::LessThan("used".into(), 2)),
        )
    };
    assert_eq!(take().await.unwrap().int_attr("used"), Some(1));
    assert_eq!(take().await.unwrap().int_attr("used"), Some(2));
    assert!(matches!(take().await, Err(StoreError::ConditionFailed)));
    let stored = s.store.get(&key).await.unwrap().unwrap();
    assert_eq!(stored.int_attr("used"), Some(2));
}

async fn update_creates_and_returns_the_item(s: &Services) {
    let key = ItemKey::new("U#4", "COUNTER");
    let created = s
        .store
        .update(
            &key,
            vec![Update::Add("hits".into(), 5), Update::set("label", "x")],
            None,
        )
        .await
        .unwrap();
    assert_eq!(created.key, key);
    assert_eq!(created.int_attr("hits"), Some(5));
    let removed = s
        .store
        .update(&key, vec![Update::Remove("label".into())], None)
        .await
        .unwrap();
    assert_eq!(removed.str_attr("label"), None);
    assert_eq!(removed.int_attr("hits"), Some(5));
}

async fn query_by_partition_and_sort_key_prefix(s: &Services) {
    for (pk, sk) in [
        ("U#5", "CV#b"),
        ("U#5", "CV#a"),
        ("U#5", "CV%#literal"),
        ("U#5", "INTERVIEW#a"),
        ("U#6", "CV#c"),
    ] {
        s.store
            .put(item(pk, sk, json!({ "of": pk })), None)
            .await
            .unwrap();
    }
    let page = s.store.query(Query::prefix("U#5", "CV#")).await.unwrap();
    let sks: Vec<_> = page.items.iter().map(|i| i.key.sk.as_str()).collect();
    assert_eq!(sks, ["CV#a", "CV#b"]);
    assert_eq!(page.next, None);
    assert!(page.items.iter().all(|i| i.str_attr("of") == Some("U#5")));
    let everything = s.store.query(Query::prefix("U#5", "")).await.unwrap();
    assert_eq!(everything.items.len(), 4);
}

async fn query_pages_in_both_directions(s: &Services) {
    for n in 0..5 {
        s.store
            .put(item("U#7", &format!("E#{n}"), json!({ "n": n })), None)
            .await
            .unwrap();
    }
    let mut query = Query {
        limit: Some(2),
        descending: true,
        ..Query::prefix("U#7", "E#")
    };
    let mut seen = Vec::new();
    loop {
        let page = s.store.query(query.clone()).await.unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|i| i.int_attr("n").unwrap()));
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, [4, 3, 2, 1, 0]);
    let all = query_all(s.store.as_ref(), "U#7", "E#").await.unwrap();
    let ascending: Vec<_> = all.iter().map(|i| i.int_attr("n").unwrap()).collect();
    assert_eq!(ascending, [0, 1, 2, 3, 4]);
}

async fn transaction_applies_every_write(s: &Services) {
    s.store
        .put(item("U#8", "GONE", json!({})), None)
        .await
        .unwrap();
    s.store
        .transact(vec![
            WriteOp::Put {
                item: item("U#8", "A", json!({"v": 1})),
                condition: Some(Condition::Absent),
            },
            WriteOp::Update {
                key: ItemKey::new("U#8", "B"),
                updates: vec![Update::Add("n".into(), 1)],
                condition: None,
            },
            WriteOp::Delete {
                key: ItemKey::new("U#8", "GONE"),
                condition: Some(Condition::Present),
            },
        ])
        .await
        .unwrap();
    let a = s.store.get(&ItemKey::new("U#8", "A")).await.unwrap();
    assert_eq!(a.unwrap().int_attr("v"), Some(1));
    let b = s.store.get(&ItemKey::new("U#8", "B")).await.unwrap();
    assert_eq!(b.unwrap().int_attr("n"), Some(1));
    let gone = s.store.get(&ItemKey::new("U#8", "GONE")).await.unwrap();
    assert_eq!(gone, None);
}

async fn transaction_fails_as_a_whole(s: &Services) {
    s.store
        .put(item("U#9", "TAKEN", json!({"owner": "someone"})), None)
        .await
        .unwrap();
    s.store
        .put(item("U#9", "COUNTER", json!({"n": 7})), None)
        .await
        .unwrap();
    let error = s
        .store
        .transact(vec![
            WriteOp::Put {
                item: item("U#9", "NEW", json!({})),
                condition: Some(Condition::Absent),
            },
            WriteOp::Update {
                key: ItemKey::new("U#9", "COUNTER"),
                updates: vec![Update::Add("n".into(), 1)],
                condition: None,
            },
            WriteOp::Put {
                item: item("U#9", "TAKEN", json!({"owner": "me"})),
                condition: Some(Condition::Absent),
            },
        ])
        .await
        .unwrap_err();
    match error {
        StoreError::TransactionCancelled { failed } => assert_eq!(failed, [2]),
        other => panic!("expected a cancelled transaction, got {other:?}"),
    }
    assert_eq!(
        s.store.get(&ItemKey::new("U#9", "NEW")).await.unwrap(),
        None
    );
    let counter = s.store.get(&ItemKey::new("U#9", "COUNTER")).await.unwrap();
    assert_eq!(counter.unwrap().int_attr("n"), Some(7));
    let taken = s.store.get(&ItemKey::new("U#9", "TAKEN")).await.unwrap();
    assert_eq!(taken.unwrap().str_attr("owner"), Some("someone"));
    // A transaction that touches one item twice is refused before anything is written.
    let twice = s
        .store
        .transact(vec![
            WriteOp::Put {
                item: item("U#9", "X", json!({})),
                condition: None,
            },
            WriteOp::Delete {
                key: ItemKey::new("U#9", "X"),
                condition: None,
            },
        ])
        .await;
    assert!(matches!(twice, Err(StoreError::Invalid(_))), "{twice:?}");
}

async fn expired_items_are_filtered(s: &Services) {
    let past = now() - 60;
    let future = now() + 3600;
    s.store
        .put(item("U#10", "S#old", json!({})).expiring_at(past), None)
        .await
        .unwrap();
    s.store
        .put(item("U#10", "S#new", json!({})).expiring_at(future), None)
        .await
        .unwrap();
    let old = ItemKey::new("U#10", "S#old");
    assert_eq!(s.store.get(&old).await.unwrap(), None);
    let page = s.store.query(Query::prefix("U#10", "S#")).await.unwrap();
    let sks: Vec<_> = page.items.iter().map(|i| i.key.sk.as_str()).collect();
    assert_eq!(sks, ["S#new"]);
    assert_eq!(page.items[0].expires_at, Some(future));
    // An expired item no longer counts as present, and may be claimed again.
    let present = s
        .store
        .update(&old, vec![Update::set("x", 1)], Some(Condition::Present))
        .await;
    assert!(matches!(present, Err(StoreError::ConditionFailed)));
    s.store
        .put(
            item("U#10", "S#old", json!({"again": true})),
            Some(Condition::Absent),
        )
        .await
        .unwrap();
    let claimed = s.store.get(&old).await.unwrap().unwrap();
    assert_eq!(claimed.attrs.get("again"), Some(&json!(true)));
    assert_eq!(claimed.expires_at, None);
    // A live item with an expiry still blocks put-if-absent.
    let blocked = s
        .store
        .put(item("U#10", "S#new", json!({})), Some(Condition::Absent))
        .await;
    assert!(matches!(blocked, Err(StoreError::ConditionFailed)));
}

async fn conditional_delete(s: &Services) {
    let key = ItemKey::new("U#11", "CV#1");
    s.store
        .put(item("U#11", "CV#1", json!({"status": "ready"})), None)
        .await
        .unwrap();
    let refused = s
        .store
        .delete(&key, Some(Condition::equals("status", "processing")))
        .await;
    assert!(matches!(refused, Err(StoreError::ConditionFailed)));
    assert!(s.store.get(&key).await.unwrap().is_some());
    s.store
        .delete(&key, Some(Condition::equals("status", "ready")))
        .await
        .unwrap();
    assert_eq!(s.store.get(&key).await.unwrap(), None);
    // Deleting nothing is fine.
    s.store.delete(&key, None).await.unwrap();
}

async fn nested_values_round_trip(s: &Services) {
    let attrs = json!({
        "text": "한국어 and English",
        "count": 42,
        "negative": -3,
        "ratio": 0.75,
        "flag": false,
        "list": [1, "two", {"three": 3}],
        "map": {"inner": {"deep": [true]}},
    });
    let stored = item("U#12", "DOC", attrs.clone());
    s.store.put(stored.clone(), None).await.unwrap();
    let read = s.store.get(&stored.key).await.unwrap().unwrap();
    assert_eq!(Value::Object(read.attrs), attrs);
}

async fn reserved_attribute_names_are_refused(s: &Services) {
    let refused = s
        .store
        .put(item("U#13", "X", json!({"pk": "forged"})), None)
        .await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    let refused = s
        .store
        .update(
            &ItemKey::new("U#13", "X"),
            vec![Update::set("expires_at", 1)],
            None,
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    assert_eq!(s.store.get(&ItemKey::new("U#13", "X")).await.unwrap(), None);
}

async fn set_additions_keep_members_once(s: &Services) {
    let key = ItemKey::new("U#14", "SEEN");
    s.store
        .update(
            &key,
            vec![Update::AddToSet("ids".into(), vec!["b".into(), "a".into()])],
            None,
        )
        .await
        .unwrap();
    let item = s
        .store
        .update(
            &key,
            vec![Update::AddToSet("ids".into(), vec!["c".into(), "a".into()])],
            None,
        )
        .await
        .unwrap();
    assert_eq!(item.attrs["ids"], json!(["a", "b", "c"]));
    let read = s.store.get(&key).await.unwrap().unwrap();
    assert_eq!(read.attrs["ids"], json!(["a", "b", "c"]));
}
