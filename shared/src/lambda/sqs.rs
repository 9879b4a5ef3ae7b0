//! The SQS event as Lambda's event source mapping sends it, and the partial batch response it
//! reads back: both directions in one place, for the worker function (`serve_queue`) and for
//! the local event source in front of it (`cyi-local pump`).

use std::collections::HashMap;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use md5::Digest;

use crate::ports::Delivery;

/// The attribute that carries a message's receive count.
const RECEIVE_COUNT: &str = "ApproximateReceiveCount";

/// The event for a batch from the queue `queue_arn` (`arn:aws:sqs:REGION:ACCOUNT:NAME`).
pub fn event(deliveries: &[Delivery], queue_arn: &str) -> SqsEvent {
    let region = queue_arn.split(':').nth(3).unwrap_or_default();
    let mut event = SqsEvent::default();
    event.records = deliveries
        .iter()
        .map(|delivery| {
            let mut record = SqsMessage::default();
            record.message_id = Some(delivery.message_id.clone());
            record.receipt_handle = Some(delivery.receipt.clone());
            record.md5_of_body = Some(hex(&md5::Md5::digest(delivery.body.as_bytes())));
            record.body = Some(delivery.body.clone());
            record.attributes =
                HashMap::from([(RECEIVE_COUNT.to_owned(), delivery.receive_count.to_string())]);
            record.event_source = Some("aws:sqs".to_owned());
            record.event_source_arn = Some(queue_arn.to_owned());
            record.aws_region = Some(region.to_owned());
            record
        })
        .collect();
    event
}

/// The batch an event carries; a record without a message id is not a message.
pub fn deliveries(event: SqsEvent) -> Vec<Delivery> {
    event
        .records
        .into_iter()
        .filter_map(|record| {
            Some(Delivery {
                message_id: record.message_id?,
                receipt: record.receipt_handle.unwrap_or_default(),
                body: record.body.unwrap_or_default(),
                receive_count: record
                    .attributes
                    .get(RECEIVE_COUNT)
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(1),
            })
        })
        .collect()
}

/// The response that reports these messages as failed (`batchItemFailures`).
pub fn batch_response(failed: Vec<String>) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    response.batch_item_failures = failed
        .into_iter()
        .map(|id| {
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = id;
            failure
        })
        .collect();
    response
}

/// The ids of the messages a response reports as failed.
pub fn failed_message_ids(response: SqsBatchResponse) -> Vec<String> {
    response
        .batch_item_failures
        .into_iter()
        .map(|failure| failure.item_identifier)
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_goes_through_the_event_and_its_failures_come_back() {
        let batch = vec![
            Delivery {
                message_id: "m1".into(),
                receipt: "r1".into(),
                body: r#"{"type":"ExtractCv"}"#.into(),
                receive_count: 3,
            },
            Delivery {
                message_id: "m2".into(),
                receipt: "r2".into(),
                body: String::new(),
                receive_count: 1,
            },
        ];
        let json =
            serde_json::to_value(event(&batch, "arn:aws:sqs:us-east-1:123456789012:cyi-jobs"))
                .unwrap();
        let record = &json["Records"][0];
        assert_eq!(record["messageId"], "m1");
        assert_eq!(record["receiptHandle"], "r1");
        assert_eq!(record["attributes"]["ApproximateReceiveCount"], "3");
        assert_eq!(record["eventSource"], "aws:sqs");
        assert_eq!(
            record["eventSourceARN"],
            "arn:aws:sqs:us-east-1:123456789012:cyi-jobs"
        );
        assert_eq!(record["awsRegion"], "us-east-1");
        // What SQS reports for an empty body.
        assert_eq!(
            json["Records"][1]["md5OfBody"],
            "d41d8cd98f00b204e9800998ecf8427e"
        );
        let parsed: SqsEvent = serde_json::from_value(json).unwrap();
        assert_eq!(deliveries(parsed), batch);

        let response = serde_json::to_value(batch_response(vec!["m2".into()])).unwrap();
        assert_eq!(
            response,
            serde_json::json!({"batchItemFailures": [{"itemIdentifier": "m2"}]})
        );
        let read: SqsBatchResponse = serde_json::from_value(response).unwrap();
        assert_eq!(failed_message_ids(read), ["m2"]);
    }
}
