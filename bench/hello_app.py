"""A bare FastAPI hello-world: the baseline the petstore benchmark compares against.

Served with exactly the uvicorn settings ``petstore serve`` uses, so the ratio of the two
throughputs is the cost of everything the petstore adds (middleware, dependencies, database).
"""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/hello")
async def hello() -> dict[str, str]:
    return {"message": "hello"}
