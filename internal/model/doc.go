// Package model holds the domain types of Campfire: plain structs and typed
// enums, no I/O. The store returns them, the chat service and handlers pass
// them on, and templates render them without reaching the database.
//
// A User carries no password digest and a view never gets a Bot (its token)
// or a PushSubscription (its keys): secrets stay with the code that uses them.
package model
