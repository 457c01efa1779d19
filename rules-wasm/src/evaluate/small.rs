//! Per-evaluation scratch space without an allocation: a fixed array on the stack when the
//! scheme is small enough (every seed scheme is), a vector otherwise.

use std::ops::{Deref, DerefMut};

pub(crate) enum Small<T, const N: usize> {
    Inline { items: [T; N], len: usize },
    Heap(Vec<T>),
}

impl<T: Copy + Default, const N: usize> Small<T, N> {
    /// `len` default values.
    pub(crate) fn new(len: usize) -> Self {
        if len <= N {
            Self::Inline { items: [T::default(); N], len }
        } else {
            Self::Heap(vec![T::default(); len])
        }
    }
}

impl<T, const N: usize> Deref for Small<T, N> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            Self::Inline { items, len } => &items[..*len],
            Self::Heap(items) => items,
        }
    }
}

impl<T, const N: usize> DerefMut for Small<T, N> {
    fn deref_mut(&mut self) -> &mut [T] {
        match self {
            Self::Inline { items, len } => &mut items[..*len],
            Self::Heap(items) => items,
        }
    }
}
