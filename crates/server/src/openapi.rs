//! The API's OpenAPI description, shipped inside the binary. Served at `/openapi.json`, shown by
//! the `/api/docs` page and read by the body limits; kept at the crate root so none of those
//! layers has to import another for it.

pub const OPENAPI: &str = include_str!("../openapi.json");
