// The REST API reference page: Swagger UI over Attune's OpenAPI document. "Authorize" takes a registered system's
// client id and secret and gets a token from /connect/token (client credentials), so that "Try it out" works.
window.addEventListener('DOMContentLoaded', () => {
  window.SwaggerUIBundle({
    url: document.getElementById('api-reference').dataset.document,
    dom_id: '#api-reference',
    deepLinking: true,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    persistAuthorization: false,
    tryItOutEnabled: false,
  });
});
