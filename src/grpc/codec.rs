//! The protobuf codec of tifa's services: prost's, except that a message is
//! encoded into a plain `Vec<u8>` first and handed to tonic in one copy.
//!
//! Why: tonic's `EncodeBuf` has no `put_u8` of its own, so every varint byte
//! prost writes straight into it becomes a one-byte `BytesMut::put_slice`
//! (a call and a `memmove`). A response of thousands of tokens is mostly
//! varints and short strings: that path cost about a tenth of the server's
//! CPU. Into a `Vec` the same writes inline to plain stores. The bytes on the
//! wire are the same.

use std::marker::PhantomData;

use prost::Message;
use tonic::Status;
use tonic::codec::{BufferSettings, Codec, EncodeBuf, Encoder};
use tonic_prost::ProstDecoder;

/// Named by `build.rs` as the codec of the generated server and client.
#[derive(Debug, Clone)]
pub struct VecCodec<T, U> {
    _pd: PhantomData<(T, U)>,
}

impl<T, U> Default for VecCodec<T, U> {
    fn default() -> Self {
        Self { _pd: PhantomData }
    }
}

impl<T, U> Codec for VecCodec<T, U>
where
    T: Message + Send + 'static,
    U: Message + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = VecEncoder<T>;
    type Decoder = ProstDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        VecEncoder { scratch: Vec::new(), _pd: PhantomData }
    }

    fn decoder(&mut self) -> Self::Decoder {
        ProstDecoder::default()
    }
}

/// Encodes each message into `scratch` (kept for the next message of a
/// stream), then copies it into tonic's buffer at once.
#[derive(Debug)]
pub struct VecEncoder<T> {
    scratch: Vec<u8>,
    _pd: PhantomData<T>,
}

impl<T: Message> Encoder for VecEncoder<T> {
    type Item = T;
    type Error = Status;

    fn encode(&mut self, item: T, buf: &mut EncodeBuf<'_>) -> Result<(), Status> {
        self.scratch.clear();
        item.encode_raw(&mut self.scratch);
        prost::bytes::BufMut::put_slice(buf, &self.scratch);
        Ok(())
    }

    fn buffer_settings(&self) -> BufferSettings {
        BufferSettings::default()
    }
}
