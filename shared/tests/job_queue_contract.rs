//! The job queue contract, run against the in-process queue, the SQLite queue several
//! processes share, and SQS (moto), with a 1 s visibility timeout and 2 receives before
//! dead-lettering.

use std::collections::HashSet;
use std::time::Duration;

use cyi_shared::Services;

cyi_shared::contract_cases!(
    cyi_shared::testing::FAST_QUEUE,
    families [embedded, embedded_shared_queue, aws];
    send_receive_delete,
    redelivery_after_the_visibility_timeout,
    dead_lettering_after_the_maximum_receives,
    batches_of_at_most_ten_each_message_once,
);

const PAST_VISIBILITY: Duration = Duration::from_millis(1500);

async fn send_receive_delete(s: &Services) {
    let id = s.queue.send_raw(r#"{"n":1}"#.into()).await.unwrap();
    let received = s.queue.receive(10, Duration::from_secs(2)).await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].message_id, id);
    assert_eq!(received[0].body, r#"{"n":1}"#);
    assert_eq!(received[0].receive_count, 1);
    s.queue.delete(&received[0].receipt).await.unwrap();
    tokio::time::sleep(PAST_VISIBILITY).await;
    let again = s.queue.receive(10, Duration::ZERO).await.unwrap();
    assert!(again.is_empty(), "a deleted message came back: {again:?}");
}

async fn redelivery_after_the_visibility_timeout(s: &Services) {
    s.queue.send_raw("job".into()).await.unwrap();
    let first = s.queue.receive(1, Duration::from_secs(2)).await.unwrap();
    assert_eq!(first.len(), 1);
    let hidden = s.queue.receive(1, Duration::ZERO).await.unwrap();
    assert!(hidden.is_empty(), "visible while in flight: {hidden:?}");
    tokio::time::sleep(PAST_VISIBILITY).await;
    let second = s.queue.receive(1, Duration::from_secs(2)).await.unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].message_id, first[0].message_id);
    assert_eq!(second[0].receive_count, 2);
    s.queue.delete(&second[0].receipt).await.unwrap();
}

async fn dead_lettering_after_the_maximum_receives(s: &Services) {
    let id = s.queue.send_raw("poison".into()).await.unwrap();
    for attempt in 1..=2 {
        let received = s.queue.receive(1, Duration::from_secs(2)).await.unwrap();
        assert_eq!(received.len(), 1, "receive {attempt}");
        assert_eq!(received[0].receive_count, attempt);
        tokio::time::sleep(PAST_VISIBILITY).await;
    }
    let third = s.queue.receive(1, Duration::from_secs(1)).await.unwrap();
    assert!(third.is_empty(), "delivered past the maximum: {third:?}");
    let mut dead = Vec::new();
    for _ in 0..10 {
        dead = s.queue.receive_dead_letters(10).await.unwrap();
        if !dead.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].message_id, id);
    assert_eq!(dead[0].body, "poison");
}

async fn batches_of_at_most_ten_each_message_once(s: &Services) {
    let mut sent = HashSet::new();
    for n in 0..12 {
        sent.insert(s.queue.send_raw(format!(r#"{{"n":{n}}}"#)).await.unwrap());
    }
    let mut received = HashSet::new();
    for _ in 0..20 {
        if received.len() == sent.len() {
            break;
        }
        let batch = s.queue.receive(10, Duration::from_secs(1)).await.unwrap();
        assert!(batch.len() <= 10, "a batch of {}", batch.len());
        for delivery in batch {
            assert_eq!(delivery.receive_count, 1);
            assert!(
                received.insert(delivery.message_id.clone()),
                "{} twice while in flight",
                delivery.message_id
            );
            s.queue.delete(&delivery.receipt).await.unwrap();
        }
    }
    assert_eq!(received, sent);
}
