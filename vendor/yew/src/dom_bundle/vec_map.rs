//! Patched yew 0.23.0 (see the widget's docs/widget-build.md): the DOM bundle's maps and sets
//! are vectors searched in order rather than `std::collections::HashMap`/`HashSet`. They hold
//! a page's event kinds, listening elements, tag names, attributes and list keys, a few dozen at
//! most in the widget, and a hash table's code costs its wasm more than the searches cost time.
//! Only the methods yew calls are here, with the standard collections' meaning.

use std::borrow::Borrow;

/// A map: its pairs in a vector, keys unique.
#[derive(Debug)]
pub(crate) struct VecMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<K: Eq, V> VecMap<K, V> {
    pub fn with_capacity(capacity: usize) -> Self {
        Self(Vec::with_capacity(capacity))
    }

    fn position<Q: Eq + ?Sized>(&self, key: &Q) -> Option<usize>
    where
        K: Borrow<Q>,
    {
        self.0.iter().position(|(k, _)| k.borrow() == key)
    }

    pub fn get<Q: Eq + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.position(key).map(|i| &self.0[i].1)
    }

    pub fn get_mut<Q: Eq + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.position(key).map(|i| &mut self.0[i].1)
    }

    pub fn contains_key<Q: Eq + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.position(key).is_some()
    }

    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.position(&key) {
            Some(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    pub fn remove<Q: Eq + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.position(key).map(|i| self.0.swap_remove(i).1)
    }

    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        Entry { map: self, key }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.0.iter_mut().map(|(_, v)| v)
    }
}

impl<K: Eq, V> FromIterator<(K, V)> for VecMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = Self::default();
        for (key, value) in iter {
            map.insert(key, value);
        }
        map
    }
}

/// [`VecMap::entry`]'s answer.
pub(crate) struct Entry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    key: K,
}

impl<'a, K: Eq, V: Default> Entry<'a, K, V> {
    pub fn or_default(self) -> &'a mut V {
        let i = match self.map.position(&self.key) {
            Some(i) => i,
            None => {
                self.map.0.push((self.key, V::default()));
                self.map.0.len() - 1
            }
        };
        &mut self.map.0[i].1
    }
}

/// A set: its items in a vector, unique.
#[derive(Debug)]
pub(crate) struct VecSet<T>(Vec<T>);

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T: Eq> VecSet<T> {
    pub fn with_capacity(capacity: usize) -> Self {
        Self(Vec::with_capacity(capacity))
    }

    fn position<Q: Eq + ?Sized>(&self, value: &Q) -> Option<usize>
    where
        T: Borrow<Q>,
    {
        self.0.iter().position(|v| v.borrow() == value)
    }

    /// Adds `value` unless an equal one is there; true if added.
    pub fn insert(&mut self, value: T) -> bool {
        let absent = self.position(&value).is_none();
        if absent {
            self.0.push(value);
        }
        absent
    }

    /// Adds `value`, and takes out and returns an equal one that was there.
    pub fn replace(&mut self, value: T) -> Option<T> {
        match self.position(&value) {
            Some(i) => Some(std::mem::replace(&mut self.0[i], value)),
            None => {
                self.0.push(value);
                None
            }
        }
    }

    pub fn take<Q: Eq + ?Sized>(&mut self, value: &Q) -> Option<T>
    where
        T: Borrow<Q>,
    {
        self.position(value).map(|i| self.0.swap_remove(i))
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.0.retain(keep)
    }

    pub fn drain(&mut self) -> std::vec::Drain<'_, T> {
        self.0.drain(..)
    }
}
