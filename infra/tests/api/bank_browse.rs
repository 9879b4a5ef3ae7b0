//! Practice mode: browsing the bank through the API, on both adapter families.

use std::collections::BTreeSet;

use crate::common::{Api, problem, test_bank};
use cyi_shared::testing::Family;
use reqwest::Method;
use serde_json::Value;

api_cases!(the_bank_is_browsed_filtered_and_paged);

async fn the_bank_is_browsed_filtered_and_paged(family: Family) {
    let bank = test_bank();
    let api = Api::start(family, &[]).await;
    api.load_bank(&bank).await;
    let token = api.user("practice").await.token;
    assert_eq!(
        api.request(Method::GET, "/questions")
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    let topic = cyi_shared::domain::Position::Be.topics()[0];
    let page: Value = api
        .questions(&token, &format!("position=be&topic={topic}&lang=ko"))
        .await
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    for item in items {
        assert_eq!(
            (
                item["kind"].as_str(),
                item["position"].as_str(),
                item["topic"].as_str()
            ),
            (Some("technical"), Some("be"), Some(topic))
        );
        assert!(
            item["text"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)),
            "Korean"
        );
        assert!(
            item["example_answer"].is_string() && item["key_points"].as_array().unwrap().len() >= 3
        );
        assert!(item.get("competency").is_none());
    }
    assert!(page.get("next_cursor").is_none());

    let mut seen = BTreeSet::new();
    let mut query = "limit=3".to_owned();
    loop {
        let page: Value = api.questions(&token, &query).await.json().await.unwrap();
        for item in page["items"].as_array().unwrap() {
            assert!(
                seen.insert(item["id"].as_str().unwrap().to_owned()),
                "a question came twice"
            );
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), bank.technical.len());

    let behavioral: Value = api
        .questions(&token, "kind=behavioral&competency=leadership")
        .await
        .json()
        .await
        .unwrap();
    let items = behavioral["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|q| q["competency"] == "leadership"
        && q.get("position").is_none()
        && q.get("example_answer").is_none()));

    for (query, field) in [
        ("kind=trivia", "kind"),
        ("position=devops", "position"),
        ("difficulty=expert", "difficulty"),
        ("lang=jp", "lang"),
        ("limit=0", "limit"),
        ("cursor=%%%", "cursor"),
        // A topic of another position matches nothing; one of no position is refused.
        ("topic=kubernetes", "topic"),
    ] {
        let response = api.questions(&token, query).await;
        assert_eq!(response.status(), 422, "{query}");
        assert_eq!(
            problem(response).await["errors"][0]["field"],
            field,
            "{query}"
        );
    }
    let id = &bank.technical[0].id;
    let one: Value = api
        .question(&token, id, Some("en"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["id"], id.as_str());
    assert_eq!(one["text"], bank.technical[0].en.text.as_str());
    assert_eq!(
        api.question(&token, "no-such-question", None)
            .await
            .status(),
        404
    );
}
