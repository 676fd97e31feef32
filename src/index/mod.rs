//! The index as a place on disk and a thing to read: its schema (`schema`), its directory of
//! generations and the version payload that tells whether an index fits this binary (`store`).
//! The writer (`indexer`) and the readers (`search`, through `Engine`) both stand on this module;
//! neither reaches into the other.

pub mod schema;
pub mod store;
