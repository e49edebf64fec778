// Flashback repository API keys: the key and secret an S3, GCS or Azure client uses to reach a Flashback repository.
package flashback
