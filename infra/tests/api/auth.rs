//! Accounts and tokens through the HTTP API, on both adapter families.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::{Api, PASSWORD, TestUser, account, problem};
use cyi_shared::ports::item_store::query_all;
use cyi_shared::ports::{Item, ItemKey};
use cyi_shared::storage::layout::{profile_key, user_blob_prefix, user_partition};
use cyi_shared::testing::ManualClock;
use cyi_shared::testing::{Family, forge_token};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

api_cases!(
    sign_up_log_in_and_read_the_profile,
    the_oauth2_password_form_logs_in,
    every_invalid_field_is_reported_and_nothing_is_created,
    passwords_are_used_whole,
    usernames_and_emails_are_unique_ignoring_case,
    concurrent_sign_ups_have_exactly_one_winner,
    unknown_user_and_wrong_password_look_the_same,
    failed_log_ins_are_throttled_per_username,
    bad_tokens_are_refused_with_401,
    log_out_revokes_every_token,
    changing_the_password_revokes_tokens,
    deleting_the_account_leaves_nothing_of_the_user,
);

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

async fn sign_up_log_in_and_read_the_profile(family: Family) {
    let api = Api::start(family, &[]).await;
    let created = api
        .sign_up(&json!({"username": "Ada.L", "name": " Ada Lovelace ", "email": "Ada@Example.com", "password": PASSWORD}))
        .await;
    assert_eq!(created.status(), 201);
    let account: Value = created.json().await.unwrap();
    assert_eq!(account["username"], "ada.l");
    assert_eq!(account["name"], "Ada Lovelace");
    assert_eq!(account["email"], "Ada@Example.com");
    assert!(account.get("password_hash").is_none());
    assert!(account.get("password").is_none());

    let login = api.log_in("ADA.L", PASSWORD).await;
    assert_eq!(login.status(), 200);
    assert_eq!(login.headers()["cache-control"], "no-store");
    let token: Value = login.json().await.unwrap();
    assert_eq!(token["token_type"], "bearer");
    assert_eq!(token["expires_in"], 3600);

    let me = api.me(token["access_token"].as_str().unwrap()).await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["id"], account["id"]);
    assert_eq!(me["username"], "ada.l");
    assert_eq!(me["interviews_used"], 0);
    assert_eq!(me["interviews_left"], 5);
}

async fn the_oauth2_password_form_logs_in(family: Family) {
    let api = Api::start(family, &[]).await;
    api.user("formuser").await;
    let form = |grant: &'static str| {
        [
            ("grant_type", grant),
            ("username", "formuser"),
            ("password", PASSWORD),
        ]
    };
    let ok = api.log_in_form(&form("password")).await;
    assert_eq!(ok.status(), 200);
    assert!(ok.json::<Value>().await.unwrap()["access_token"].is_string());
    let wrong_grant = problem(api.log_in_form(&form("client_credentials")).await).await;
    assert_eq!(wrong_grant["status"], 422);
    assert_eq!(wrong_grant["errors"][0]["field"], "grant_type");
}

async fn every_invalid_field_is_reported_and_nothing_is_created(family: Family) {
    let api = Api::start(family, &[]).await;
    let response = api
        .sign_up(
            &json!({"username": "x!", "name": "", "email": "not-an-email", "password": "short"}),
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = problem(response).await;
    let mut fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort();
    assert_eq!(fields, ["email", "name", "password", "username"]);

    let missing = problem(api.sign_up(&json!({"username": "someone"})).await).await;
    assert_eq!(missing["status"], 422);
    assert_eq!(missing["errors"].as_array().unwrap().len(), 3);
    assert_eq!(missing["errors"][0]["message"], "is required");

    let not_json = api
        .request(Method::POST, "/auth/signup")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    let wrong_type = api
        .request(Method::POST, "/auth/signup")
        .body("username=x")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 415);
    let claim = ItemKey::new("USERNAME#someone", "CLAIM");
    assert_eq!(api.services().store.get(&claim).await.unwrap(), None);
}

async fn passwords_are_used_whole(family: Family) {
    let api = Api::start(family, &[]).await;
    let long = format!("{}{}", "a".repeat(100), "Z".repeat(28));
    let created = api
        .sign_up(&json!({"username": "longpass", "name": "L", "email": "l@example.com", "password": long}))
        .await;
    assert_eq!(created.status(), 201);
    let truncated = &long[..72];
    assert_eq!(api.log_in("longpass", truncated).await.status(), 401);
    assert_eq!(api.log_in("longpass", &long).await.status(), 200);
    let too_long = api
        .sign_up(&json!({"username": "longer", "name": "L", "email": "x@example.com", "password": "p".repeat(129)}))
        .await;
    assert_eq!(too_long.status(), 422);
}

async fn usernames_and_emails_are_unique_ignoring_case(family: Family) {
    let api = Api::start(family, &[]).await;
    assert_eq!(api.sign_up(&account("grace")).await.status(), 201);
    let same_name = api
        .sign_up(&json!({"username": "GRACE", "name": "G", "email": "other@example.com", "password": PASSWORD}))
        .await;
    assert_eq!(same_name.status(), 409);
    assert_eq!(problem(same_name).await["code"], "username_taken");
    let same_email = api
        .sign_up(&json!({"username": "hopper", "name": "G", "email": "GRACE@example.COM", "password": PASSWORD}))
        .await;
    assert_eq!(same_email.status(), 409);
    assert_eq!(problem(same_email).await["code"], "email_taken");
    // The loser of a conflict leaves no claim behind.
    let claim = ItemKey::new("USERNAME#hopper", "CLAIM");
    assert_eq!(api.services().store.get(&claim).await.unwrap(), None);
}

async fn concurrent_sign_ups_have_exactly_one_winner(family: Family) {
    let api = Arc::new(Api::start(family, &[]).await);
    let race = |same_username: bool| {
        let api = Arc::clone(&api);
        async move {
            let attempts = (0..8).map(|n| {
                let api = Arc::clone(&api);
                tokio::spawn(async move {
                    let (username, email) = if same_username {
                        ("racer".to_owned(), format!("racer{n}@example.com"))
                    } else {
                        (format!("mailer{n}"), "shared@example.com".to_owned())
                    };
                    api.sign_up(&json!({"username": username, "name": "R", "email": email, "password": PASSWORD}))
                        .await
                        .status()
                })
            });
            let mut statuses = Vec::new();
            for attempt in attempts {
                statuses.push(attempt.await.unwrap());
            }
            statuses
        }
    };
    for same_username in [true, false] {
        let statuses = race(same_username).await;
        let created = statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count();
        let conflicts = statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count();
        assert_eq!((created, conflicts), (1, 7), "{statuses:?}");
    }
}

async fn unknown_user_and_wrong_password_look_the_same(family: Family) {
    let api = Api::start(family, &[]).await;
    api.user("known").await;
    let mut bodies = Vec::new();
    for username in ["known", "nobody-here"] {
        let response = api.log_in(username, "wrong password!").await;
        assert_eq!(response.status(), 401);
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        let mut body = problem(response).await;
        body.as_object_mut().unwrap().remove("request_id");
        bodies.push(body);
    }
    assert_eq!(bodies[0], bodies[1]);

    // Both verify a password hash: an unknown user must not answer measurably faster.
    let median = |mut samples: Vec<Duration>| {
        samples.sort();
        samples[samples.len() / 2]
    };
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for round in 0..4 {
        for (username, samples) in [("known", &mut known), ("ghost", &mut unknown)] {
            // Distinct usernames per round stay under the failure throttle.
            let username = if username == "ghost" {
                format!("ghost{round}")
            } else {
                username.to_owned()
            };
            let started = Instant::now();
            api.log_in(&username, "wrong password!").await;
            samples.push(started.elapsed());
        }
    }
    let (known, unknown) = (median(known), median(unknown));
    assert!(
        unknown * 2 > known,
        "unknown users answer in {unknown:?}, known in {known:?}"
    );
}

async fn failed_log_ins_are_throttled_per_username(mut family: Family) {
    let clock = ManualClock::at(now());
    family.services.clock = Arc::new(clock.clone());
    let api = Api::start(family, &[]).await;
    api.user("target").await;
    api.user("bystander").await;
    for _ in 0..5 {
        assert_eq!(api.log_in("target", "guess guess").await.status(), 401);
    }
    let blocked = api.log_in("target", PASSWORD).await;
    assert_eq!(blocked.status(), 429);
    let retry_after: i64 = blocked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert_eq!(problem(blocked).await["code"], "too_many_login_attempts");
    // Other usernames are not affected; the throttled one is, whatever its case.
    assert_eq!(api.log_in("bystander", PASSWORD).await.status(), 200);
    assert_eq!(api.log_in("TARGET", PASSWORD).await.status(), 429);

    clock.advance(14 * 60);
    assert_eq!(api.log_in("target", PASSWORD).await.status(), 429);
    clock.advance(61);
    assert_eq!(api.log_in("target", PASSWORD).await.status(), 200);
    // A success clears the count: four more failures do not block.
    for _ in 0..4 {
        assert_eq!(api.log_in("target", "guess guess").await.status(), 401);
    }
    assert_eq!(api.log_in("target", PASSWORD).await.status(), 200);
}

async fn bad_tokens_are_refused_with_401(mut family: Family) {
    let clock = ManualClock::at(now());
    family.services.clock = Arc::new(clock.clone());
    let key = family.settings.signing_key.clone().unwrap();
    let api = Api::start(family, &[]).await;
    let TestUser { id, token } = api.user("tokens").await;
    assert_eq!(api.me(&token).await.status(), 200);

    let claims = |change: &dyn Fn(&mut Value)| {
        let mut claims = json!({"sub": id, "iss": "chat-your-interview", "aud": "chat-your-interview-api",
            "iat": now(), "exp": now() + 600, "ver": 0});
        change(&mut claims);
        claims
    };
    let hs256 = json!({"alg": "HS256", "typ": "JWT"});
    let forged_ok = forge_token(&hs256, &claims(&|_| {}), &key);
    assert_eq!(
        api.me(&forged_ok).await.status(),
        200,
        "the forger is right"
    );

    let parts: Vec<&str> = token.split('.').collect();
    let tampered = {
        let other = forge_token(&hs256, &claims(&|c| c["sub"] = "someone-else".into()), &key);
        let payload = other.split('.').nth(1).unwrap().to_owned();
        format!("{}.{payload}.{}", parts[0], parts[2])
    };
    let cases: Vec<(&str, Option<String>)> = vec![
        ("missing", None),
        ("malformed", Some("Bearer not-a-jwt".into())),
        ("wrong scheme", Some(format!("Basic {token}"))),
        ("empty bearer", Some("Bearer ".into())),
        ("tampered", Some(format!("Bearer {tampered}"))),
        (
            "other key",
            Some(format!(
                "Bearer {}",
                forge_token(&hs256, &claims(&|_| {}), &[9u8; 32])
            )),
        ),
        (
            "alg none",
            Some(format!(
                "Bearer {}.{}.",
                base64_url(r#"{"alg":"none","typ":"JWT"}"#),
                forged_ok.split('.').nth(1).unwrap()
            )),
        ),
        (
            "HS512",
            Some(format!(
                "Bearer {}",
                forge_token(&json!({"alg": "HS512"}), &claims(&|_| {}), &key)
            )),
        ),
        (
            "wrong audience",
            Some(format!(
                "Bearer {}",
                forge_token(&hs256, &claims(&|c| c["aud"] = "other-api".into()), &key)
            )),
        ),
        (
            "wrong issuer",
            Some(format!(
                "Bearer {}",
                forge_token(&hs256, &claims(&|c| c["iss"] = "other".into()), &key)
            )),
        ),
        (
            "no exp",
            Some(format!(
                "Bearer {}",
                forge_token(
                    &hs256,
                    &claims(&|c| {
                        c.as_object_mut().unwrap().remove("exp");
                    }),
                    &key
                )
            )),
        ),
        (
            "expired",
            Some(format!(
                "Bearer {}",
                forge_token(&hs256, &claims(&|c| c["exp"] = (now() - 3600).into()), &key)
            )),
        ),
        (
            "unknown user",
            Some(format!(
                "Bearer {}",
                forge_token(&hs256, &claims(&|c| c["sub"] = "nobody".into()), &key)
            )),
        ),
        (
            "old version",
            Some(format!(
                "Bearer {}",
                forge_token(&hs256, &claims(&|c| c["ver"] = (-1).into()), &key)
            )),
        ),
    ];
    for (name, header) in cases {
        let mut request = api.request(Method::GET, "/auth/me");
        if let Some(header) = header {
            request = request.header("authorization", header);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{name}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer", "{name}");
        assert_eq!(problem(response).await["code"], "unauthorized", "{name}");
    }
    // A real token expires after its hour.
    clock.advance(3600 + 10);
    assert_eq!(api.me(&token).await.status(), 401);
}

fn base64_url(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

async fn log_out_revokes_every_token(family: Family) {
    let api = Api::start(family, &[]).await;
    let first = api.user("leaver").await.token;
    let second = api.token("leaver", PASSWORD).await;
    let logout = api.log_out(&first).await;
    assert_eq!(logout.status(), 204);
    assert_eq!(api.me(&first).await.status(), 401);
    assert_eq!(api.me(&second).await.status(), 401);
    let fresh = api.token("leaver", PASSWORD).await;
    assert_eq!(api.me(&fresh).await.status(), 200);
}

async fn changing_the_password_revokes_tokens(family: Family) {
    let api = Api::start(family, &[]).await;
    let token = api.user("changer").await.token;
    let other = api.token("changer", PASSWORD).await;
    let wrong = api
        .change_password(&token, "not the password", "brand new secret")
        .await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(
        problem(wrong).await["errors"][0]["field"],
        "current_password"
    );
    let short = api.change_password(&token, PASSWORD, "short").await;
    assert_eq!(problem(short).await["errors"][0]["field"], "new_password");
    assert_eq!(
        api.me(&other).await.status(),
        200,
        "failed changes revoke nothing"
    );

    assert_eq!(
        api.change_password(&token, PASSWORD, "brand new secret")
            .await
            .status(),
        204
    );
    assert_eq!(api.me(&other).await.status(), 401);
    assert_eq!(api.me(&token).await.status(), 401);
    assert_eq!(api.log_in("changer", PASSWORD).await.status(), 401);
    assert_eq!(
        api.log_in("changer", "brand new secret").await.status(),
        200
    );
}

async fn deleting_the_account_leaves_nothing_of_the_user(family: Family) {
    let api = Api::start(family, &[]).await;
    let TestUser { id, token } = api.user("doomed").await;
    let other_id = api.user("survivor").await.id;
    // What later features store: items in the user's partition, objects under its prefix.
    let services = api.services();
    for sk in ["CV#1", "INTERVIEW#1", "INTERVIEW#1#ANSWER#q1"] {
        let item = Item::new(ItemKey::new(user_partition(&id), sk), Default::default());
        services.store.put(item, None).await.unwrap();
    }
    let object = format!("{}cv1.pdf", user_blob_prefix(&id));
    services
        .blobs
        .put(
            &object,
            bytes::Bytes::from_static(b"%PDF-1.7"),
            "application/pdf",
        )
        .await
        .unwrap();
    let others = format!("{}cv.pdf", user_blob_prefix(&other_id));
    services
        .blobs
        .put(
            &others,
            bytes::Bytes::from_static(b"%PDF-1.7"),
            "application/pdf",
        )
        .await
        .unwrap();
    api.log_in("doomed", "a wrong guess").await;

    let refused = api.delete_account(&token, "not my password").await;
    assert_eq!(refused.status(), 422);
    assert!(
        services
            .store
            .get(&profile_key(&id))
            .await
            .unwrap()
            .is_some()
    );

    assert_eq!(api.delete_account(&token, PASSWORD).await.status(), 204);
    let left = query_all(services.store.as_ref(), &user_partition(&id), "")
        .await
        .unwrap();
    assert!(left.is_empty(), "items left: {left:?}");
    for key in [
        ItemKey::new("USERNAME#doomed", "CLAIM"),
        ItemKey::new("EMAIL#doomed@example.com", "CLAIM"),
        ItemKey::new("LOGIN#doomed", "FAILURES"),
    ] {
        assert_eq!(services.store.get(&key).await.unwrap(), None, "{key:?}");
    }
    assert_eq!(services.blobs.get(&object).await.unwrap(), None);
    assert!(services.blobs.get(&others).await.unwrap().is_some());
    assert!(
        services
            .store
            .get(&profile_key(&other_id))
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(api.me(&token).await.status(), 401);
    assert_eq!(api.log_in("doomed", PASSWORD).await.status(), 401);
    // The username and email are free again.
    assert_eq!(api.sign_up(&account("doomed")).await.status(), 201);
}
