// Package storetest checks a store.Store against the contract the store
// package documents, so that every backend, and the in-memory one that
// other packages test with, behaves the same.
package storetest
