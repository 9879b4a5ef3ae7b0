//! CV upload, listing and deletion: the routes this function serves, mountable by any host.

use axum::Router;
use cyi_shared::Services;
use utoipa::OpenApi;

/// The routes of this function.
pub fn router(services: Services) -> Router {
    Router::new().with_state(services)
}

/// The OpenAPI description of these routes.
#[derive(OpenApi)]
#[openapi()]
pub struct ApiDoc;
