/** Authentication: the users file and its PBKDF2 password hashes. */
package dev.wharf.server.internal.security;
