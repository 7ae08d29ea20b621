/** Event-loop timers for the request path: deadlines rewritten per request, queued once per period. */
package dev.bowline.proxy.timer;
