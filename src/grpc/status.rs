//! Building error statuses: the one place a gRPC code is chosen for bad input.

use prost::Message;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, FieldViolation, StatusExt};

/// INVALID_ARGUMENT with a BadRequest detail listing every violation; the
/// message repeats them so clients without detail decoding still see them.
pub fn invalid_argument(violations: Vec<FieldViolation>) -> Status {
    let message = violations.iter().map(|v| format!("{}: {}", v.field, v.description)).collect::<Vec<_>>().join("; ");
    Status::with_error_details(
        Code::InvalidArgument,
        format!("invalid request: {message}"),
        ErrorDetails::with_bad_request(violations),
    )
}

/// The `google.rpc.Status` carried inside a batch or stream result.
pub fn to_rpc_status(status: &Status) -> tonic_types::pb::Status {
    if !status.details().is_empty()
        && let Ok(decoded) = tonic_types::pb::Status::decode(status.details())
    {
        return decoded;
    }
    tonic_types::pb::Status { code: status.code() as i32, message: status.message().to_string(), details: Vec::new() }
}
