// Package architecture holds no code: its test checks the layering rules
// of ../shared/DESIGN.md over the module's import graph, so that a change
// that breaks them fails CI instead of slowly eroding the design.
package architecture
