//! The leadership dashboard as JSON (`/api/v1/dashboard`), the twin of the `/dashboard` page:
//! both take their figures from `services::dashboard`.

use axum::Json;
use axum::extract::{Query, State};
use oneseal_domain::case::legal_date;

use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::ApiError;
use crate::services::dashboard::{self, DashQuery, Dashboard};

pub async fn get_dashboard(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<DashQuery>,
) -> Result<Json<Dashboard>, ApiError> {
    let today = legal_date(state.clock.now());
    let chosen = dashboard::choose(&state.store, &auth.principal, q, today).await?;
    let d = dashboard::figures(&state.store, state.calendar.current(), &chosen).await?;
    Ok(Json(d))
}
