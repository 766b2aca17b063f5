/*
 * AES-256-GCM in one call per operation, for @hark/privacy (src/gcm.ts).
 *
 * node:crypto opens a 300-byte envelope in ~3.9 µs on this machine, most of it five crossings
 * into C++ (createDecipheriv, setAAD, setAuthTag, update, final) and a cipher object per
 * operation; this does the same EVP calls in ~0.6 µs with one cipher context per thread,
 * re-keyed for every operation. It links against the OpenSSL inside the node binary (the
 * headers ship with Node in include/node/openssl), so there is one crypto library in the
 * process, with one configuration. Built by native/build.mjs at install; without it,
 * src/gcm.ts uses node:crypto with the same inputs and outputs.
 *
 * A box is IV (12 bytes) ‖ ciphertext ‖ tag (16 bytes), the layout of both hark formats.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define KEY_BYTES 32
#define IV_BYTES 12
#define TAG_BYTES 16
#define MAX_LENGTH 0x7fffff00 /* EVP lengths are ints */

typedef struct {
  EVP_CIPHER *cipher;
  EVP_CIPHER_CTX *ctx;
} State;

static void free_state(napi_env env, void *data, void *hint) {
  State *s = data;
  (void)env;
  (void)hint;
  EVP_CIPHER_CTX_free(s->ctx);
  EVP_CIPHER_free(s->cipher);
  free(s);
}

static napi_value fail(napi_env env, const char *message) {
  napi_throw_type_error(env, "HARK_PRIVACY_NATIVE_ARGUMENT", message);
  return NULL;
}

static int buffer_arg(napi_env env, napi_value v, unsigned char **data, size_t *length) {
  bool is;
  if (napi_is_buffer(env, v, &is) != napi_ok || !is) return 0;
  return napi_get_buffer_info(env, v, (void **)data, length) == napi_ok;
}

static int offset_arg(napi_env env, napi_value v, size_t *out) {
  int64_t n;
  if (napi_get_value_int64(env, v, &n) != napi_ok || n < 0) return 0;
  *out = (size_t)n;
  return 1;
}

/* The (key, aad) pair both calls start with; NULL when valid, else what is wrong. */
static const char *key_and_aad(napi_env env, napi_value *argv, unsigned char **key,
                               unsigned char **aad, size_t *aad_n) {
  size_t key_n;
  if (!buffer_arg(env, argv[0], key, &key_n) || key_n != KEY_BYTES)
    return "key must be a Buffer of 32 bytes";
  if (!buffer_arg(env, argv[1], aad, aad_n) || *aad_n > MAX_LENGTH) return "aad must be a Buffer";
  return NULL;
}

/*
 * open(key, aad, box, start, out): writes the plaintext of box[start..] into out (exactly the
 * ciphertext's length) and returns true, or wipes out and returns false when the tag does not
 * match. The caller allocates out: Buffer.allocUnsafe takes it from Node's pool, where a
 * buffer created here would be a new ArrayBuffer per call (+1.3 µs, and more for the GC).
 */
static napi_value gcm_open(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  State *s;
  unsigned char *key, *aad, *box, *plain;
  size_t aad_n, box_n, start, plain_n;
  const char *wrong;
  napi_value result;
  int n = 0, ok;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, (void **)&s) != napi_ok || argc != 5)
    return fail(env, "open takes (key, aad, box, start, out)");
  if ((wrong = key_and_aad(env, argv, &key, &aad, &aad_n)) != NULL) return fail(env, wrong);
  if (!buffer_arg(env, argv[2], &box, &box_n) || !offset_arg(env, argv[3], &start) ||
      start > box_n || box_n - start < IV_BYTES + TAG_BYTES || box_n - start > MAX_LENGTH)
    return fail(env, "box must hold IV, ciphertext and tag from start");
  size_t ct_n = box_n - start - IV_BYTES - TAG_BYTES;
  if (!buffer_arg(env, argv[4], &plain, &plain_n) || plain_n != ct_n)
    return fail(env, "out must be a Buffer of the ciphertext's length");
  unsigned char *iv = box + start, *ct = iv + IV_BYTES, *tag = ct + ct_n;
  ok = EVP_DecryptInit_ex(s->ctx, s->cipher, NULL, key, iv) == 1;
  /* A NULL output means "this is AAD" to EVP: never pass an empty update. */
  if (ok && aad_n > 0) ok = EVP_DecryptUpdate(s->ctx, NULL, &n, aad, (int)aad_n) == 1;
  if (ok && ct_n > 0) ok = EVP_DecryptUpdate(s->ctx, plain, &n, ct, (int)ct_n) == 1;
  if (ok) ok = EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_SET_TAG, TAG_BYTES, tag) == 1;
  if (ok) ok = EVP_DecryptFinal_ex(s->ctx, plain + n, &n) == 1;
  /* Unauthenticated plaintext never leaves. */
  if (!ok && ct_n > 0) OPENSSL_cleanse(plain, ct_n);
  napi_get_boolean(env, ok, &result);
  return result;
}

/* seal(key, aad, iv, plain, out, start): writes IV ‖ ciphertext ‖ tag into out[start..]. */
static napi_value gcm_seal(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  State *s;
  unsigned char *key, *aad, *iv, *plain, *out;
  size_t aad_n, iv_n, plain_n, out_n, start;
  const char *wrong;
  int n = 0, ok;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, (void **)&s) != napi_ok || argc != 6)
    return fail(env, "seal takes (key, aad, iv, plain, out, start)");
  if ((wrong = key_and_aad(env, argv, &key, &aad, &aad_n)) != NULL) return fail(env, wrong);
  if (!buffer_arg(env, argv[2], &iv, &iv_n) || iv_n != IV_BYTES)
    return fail(env, "iv must be a Buffer of 12 bytes");
  if (!buffer_arg(env, argv[3], &plain, &plain_n) || plain_n > MAX_LENGTH)
    return fail(env, "plain must be a Buffer");
  if (!buffer_arg(env, argv[4], &out, &out_n) || !offset_arg(env, argv[5], &start) ||
      start > out_n || out_n - start < IV_BYTES + plain_n + TAG_BYTES)
    return fail(env, "out must have room for IV, ciphertext and tag from start");
  unsigned char *box = out + start;
  memmove(box, iv, IV_BYTES);
  ok = EVP_EncryptInit_ex(s->ctx, s->cipher, NULL, key, box) == 1;
  if (ok && aad_n > 0) ok = EVP_EncryptUpdate(s->ctx, NULL, &n, aad, (int)aad_n) == 1;
  if (ok && plain_n > 0) ok = EVP_EncryptUpdate(s->ctx, box + IV_BYTES, &n, plain, (int)plain_n) == 1;
  if (ok) ok = EVP_EncryptFinal_ex(s->ctx, box + IV_BYTES + plain_n, &n) == 1;
  if (ok) ok = EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_GET_TAG, TAG_BYTES, box + IV_BYTES + plain_n) == 1;
  if (!ok) napi_throw_error(env, "HARK_PRIVACY_NATIVE_FAILED", "AES-256-GCM encryption failed in OpenSSL");
  return NULL;
}

NAPI_MODULE_INIT() {
  State *s = calloc(1, sizeof(State));
  napi_value fn;
  if (s == NULL) return NULL;
  s->cipher = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
  s->ctx = EVP_CIPHER_CTX_new();
  if (s->cipher == NULL || s->ctx == NULL) {
    free_state(env, s, NULL);
    napi_throw_error(env, "HARK_PRIVACY_NATIVE_FAILED", "OpenSSL has no AES-256-GCM here");
    return NULL;
  }
  if (napi_set_instance_data(env, s, free_state, NULL) != napi_ok) return NULL;
  napi_create_function(env, "open", NAPI_AUTO_LENGTH, gcm_open, s, &fn);
  napi_set_named_property(env, exports, "open", fn);
  napi_create_function(env, "seal", NAPI_AUTO_LENGTH, gcm_seal, s, &fn);
  napi_set_named_property(env, exports, "seal", fn);
  return exports;
}
