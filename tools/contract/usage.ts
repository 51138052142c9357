// A small client written against the types openapi-typescript generates from the served
// document (the contract test writes them to ./petstore.d.ts, then runs `tsc --noEmit`).
// It does not run: it compiles only if the document describes what a TypeScript client
// needs — typed paths, bodies, responses, problems and webhook payloads.
import type { components, operations, paths, webhooks } from "./petstore";

type Pet = components["schemas"]["Pet"];
type PetWrite = components["schemas"]["PetWrite"];
type Problem = components["schemas"]["Problem"];
type GetPet = operations["getPet"];
type PetPage = paths["/v1/pets"]["get"]["responses"][200]["content"]["application/json"];
type OrderRequest = paths["/v1/orders"]["post"]["requestBody"]["content"]["application/json"];
type StatusEvent =
  webhooks["petStatusChanged"]["post"]["requestBody"]["content"]["application/json"];

const kitten: PetWrite = {
  name: "Whiskers",
  species: "CAT",
  ageMonths: 4,
  price: "120.00",
  currency: "USD",
  status: "AVAILABLE",
};

function petPath(id: GetPet["parameters"]["path"]["id"]): string {
  return `/v1/pets/${encodeURIComponent(id)}`;
}

function describe(pet: Pet): string {
  return `${pet.name} (${pet.species}, ${pet.ageMonths} months): ${pet.price} ${pet.currency}`;
}

function names(page: PetPage): string[] {
  return page.data.map((pet) => pet.name);
}

function order(petId: string): OrderRequest {
  return { petId };
}

function explain(problem: Problem): string {
  return `${problem.status} ${problem.title}: ${problem.detail ?? ""}`;
}

function onStatusChange(event: StatusEvent): string {
  return `${event.eventType} ${event.data.pet.id}: ${event.data.previousStatus} -> ${event.data.newStatus}`;
}

export { describe, explain, kitten, names, onStatusChange, order, petPath };
